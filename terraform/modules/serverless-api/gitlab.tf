# The IAM user GitLab's pipeline deploys with (the seed asks for a user; see docs/pmp-api.md for
# why OIDC would be better). It may do what `serverless deploy` of this one function does, scoped by
# ARN wherever the service has resource-level permissions, and nothing else. Its access key is not
# made here (it would sit in Terraform's state): create it once with the CLI and store it as masked,
# protected GitLab CI/CD variables (docs/pmp-api.md).

locals {
  # A JSON template of its own, so a reviewer reads the policy as AWS shows it, and kit/test
  # evaluates the same file with an IAM policy simulator (kit/test/terraform/deployer-policy.test.ts).
  deployer_policy = jsonencode(jsondecode(templatefile("${path.module}/deployer-policy.json.tftpl", {
    partition       = local.partition
    region          = local.region
    account         = local.account
    stack_arn       = local.stack_arn
    bucket_arn      = module.deployment_bucket.arn
    bucket_key_arn  = module.deployment_bucket.kms_key_arn
    artifacts       = "serverless/${var.service}/${var.stage}"
    function_arn    = local.function_arn
    lambda_role_arn = aws_iam_role.lambda.arn
    domain_name     = var.domain_name
    log_group_arn   = local.log_group_arn
    ssm_prefix      = local.ssm_prefix
  })))
}

resource "aws_iam_user" "deployer" {
  #checkov:skip=CKV_AWS_273:The seed asks for an IAM user for GitLab; docs/pmp-api.md says why OIDC federation is the better choice.
  name = "${var.name}-gitlab-deployer"
  path = "/ci/"

  tags = var.tags
}

resource "aws_iam_policy" "deployer" {
  name        = "${var.name}-gitlab-deploy"
  description = "serverless deploy of ${local.function_name}, and nothing else"
  policy      = local.deployer_policy

  tags = var.tags
}

# trivy: AWS-0123 (MFA on the group) accepted: its one member is GitLab's machine user, which signs in with an access key, never a console password that MFA would guard.
#trivy:ignore:AVD-AWS-0123
resource "aws_iam_group" "deployer" {
  name = "${var.name}-gitlab-deployers"
  path = "/ci/"
}

resource "aws_iam_group_policy_attachment" "deployer" {
  group      = aws_iam_group.deployer.name
  policy_arn = aws_iam_policy.deployer.arn
}

resource "aws_iam_user_group_membership" "deployer" {
  user   = aws_iam_user.deployer.name
  groups = [aws_iam_group.deployer.name]
}
