data "aws_partition" "current" {}

data "aws_caller_identity" "current" {}

locals {
  partition  = data.aws_partition.current.partition
  account_id = data.aws_caller_identity.current.account_id
  policy_arn = "arn:${local.partition}:iam::${local.account_id}:policy/${var.name}-ci-boundary"
  iam_writes = [
    "iam:Put*", "iam:Attach*", "iam:Detach*", "iam:Delete*", "iam:Update*", "iam:Create*", "iam:Tag*",
    "iam:Untag*", "iam:SetDefaultPolicyVersion", "iam:AddRoleToInstanceProfile", "iam:PassRole",
  ]
  other_resources = flatten([for other in var.other_environment_names : [
    "arn:${local.partition}:iam::${local.account_id}:role/${other}-*",
    "arn:${local.partition}:iam::${local.account_id}:policy/${other}-*",
    "arn:${local.partition}:ecr:*:${local.account_id}:repository/${other}/*",
    "arn:${local.partition}:eks:*:${local.account_id}:cluster/${other}",
    "arn:${local.partition}:eks:*:${local.account_id}:*/${other}/*",
    "arn:${local.partition}:logs:*:${local.account_id}:log-group:*${other}*",
    "arn:${local.partition}:rds:*:${local.account_id}:*:${other}-*",
    "arn:${local.partition}:secretsmanager:*:${local.account_id}:secret:*${other}*",
    "arn:${local.partition}:ssm:*:${local.account_id}:parameter/${other}-*",
  ]])
  other_state        = [for prefix in var.other_state_prefixes : "arn:${local.partition}:s3:::${var.state_bucket}/${prefix}/*"]
  allowed_tag_values = concat([var.environment], var.shared_tag_values)

  # Plain JSON (not aws_iam_policy_document) so `terraform test` can assert on the exact policy in a plan.
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        # A boundary only caps: what a bounded role may do is still only what its own policies grant.
        Sid      = "Ceiling"
        Effect   = "Allow"
        Action   = "*"
        Resource = "*"
      },
      {
        Sid      = "NoOtherEnvironmentByName"
        Effect   = "Deny"
        Action   = "*"
        Resource = concat(local.other_resources, local.other_state)
      },
      {
        Sid       = "NoOtherEnvironmentByTag"
        Effect    = "Deny"
        Action    = "*"
        Resource  = "*"
        Condition = { Null = { "aws:ResourceTag/Environment" = "false" }, StringNotEquals = { "aws:ResourceTag/Environment" = local.allowed_tag_values } }
      },
      {
        Sid       = "NoOtherEnvironmentTags"
        Effect    = "Deny"
        Action    = "*"
        Resource  = "*"
        Condition = { Null = { "aws:RequestTag/Environment" = "false" }, StringNotEquals = { "aws:RequestTag/Environment" = local.allowed_tag_values } }
      },
      {
        # The CI roles and this boundary are changed by an administrator, never by CI itself.
        Sid    = "NoSelfChange"
        Effect = "Deny"
        Action = local.iam_writes
        Resource = [
          "arn:${local.partition}:iam::${local.account_id}:role/${var.name}-ci-*",
          local.policy_arn,
        ]
      },
      {
        Sid      = "KeepBoundaries"
        Effect   = "Deny"
        Action   = ["iam:DeleteRolePermissionsBoundary", "iam:DeleteUserPermissionsBoundary"]
        Resource = "*"
      },
      {
        # A role created or granted permissions by a bounded role carries this boundary too, so a new
        # role (or one given AdministratorAccess) cannot do more than its creator: no escalation.
        Sid       = "BoundNewPermissions"
        Effect    = "Deny"
        Action    = ["iam:CreateRole", "iam:PutRolePermissionsBoundary", "iam:PutRolePolicy", "iam:AttachRolePolicy"]
        Resource  = "*"
        Condition = { StringNotEquals = { "iam:PermissionsBoundary" = local.policy_arn } }
      },
      {
        Sid      = "NoUsersOrKeys"
        Effect   = "Deny"
        Action   = ["iam:CreateUser", "iam:CreateAccessKey", "iam:CreateLoginProfile", "iam:UpdateLoginProfile"]
        Resource = "*"
      },
    ]
  })
}

resource "aws_iam_policy" "this" {
  #checkov:skip=CKV_AWS_286:A permissions boundary only caps; its Allow * grants nothing alone, the Deny statements are the point.
  #checkov:skip=CKV_AWS_287:Same: a boundary, not a grant.
  #checkov:skip=CKV_AWS_288:Same: a boundary, not a grant.
  #checkov:skip=CKV_AWS_289:Same: a boundary, not a grant.
  #checkov:skip=CKV_AWS_290:Same: a boundary, not a grant.
  #checkov:skip=CKV_AWS_355:Same: a boundary, not a grant.
  #checkov:skip=CKV_AWS_62:Same: a boundary, not a grant; no role holds it as a policy.
  #checkov:skip=CKV_AWS_63:Same: a boundary, not a grant.
  #checkov:skip=CKV2_AWS_40:Same: a boundary, not a grant.
  name        = "${var.name}-ci-boundary"
  description = "Permissions boundary of ${var.name}'s CI roles and every role they create: no other environment, no self-change, no escalation."
  policy      = local.policy

  tags = var.tags
}
