# The local environment: the same modules as dev and prod, limited to what the AWS emulator (moto)
# implements, applied by `kit up` through tflocal. EKS and DocumentDB have local stand-ins instead
# (kind and the database container), so the eks and database modules are exercised by `terraform test`
# with a mocked provider rather than here.
locals {
  name = "${var.project}-local"
}

module "network" {
  source = "../../modules/network"

  name                    = local.name
  azs                     = ["${var.region}a", "${var.region}b"]
  single_nat_gateway      = true
  cluster_name            = local.name
  flow_log_retention_days = 7
}

module "ecr" {
  source = "../../modules/ecr"

  repositories = toset([for app in var.apps : "${var.project}/${app}"])
  force_delete = true
}

module "ci_deploy" {
  source = "../../modules/iam"

  name              = "${local.name}-ci-deploy"
  github_repository = var.github_repository
  github_subjects   = ["environment:local"]
  policy_statements = [
    {
      sid       = "EcrLogin"
      actions   = ["ecr:GetAuthorizationToken"]
      resources = ["*"]
    },
    {
      sid = "EcrPushPull"
      actions = [
        "ecr:BatchCheckLayerAvailability", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart",
        "ecr:CompleteLayerUpload", "ecr:PutImage", "ecr:BatchGetImage", "ecr:DescribeImages",
      ]
      resources = values(module.ecr.repository_arns)
    },
  ]
}

module "observability" {
  source = "../../modules/observability"

  name = local.name
  log_groups = {
    "/${var.project}/local/apps" = 7
  }
  # No alarms here: the provider sends PutMetricAlarm in a protocol moto 5.2.5 does not answer
  # ("operation error CloudWatch: PutMetricAlarm"); dev and prod create them, terraform test covers them.
}

# Seed 003's data-api keeps its items here (apps/data-api; DYNAMODB_TABLE).
module "data_api_table" {
  source = "../../modules/dynamodb"

  name = "${local.name}-data-api-items"
  # The emulator's table is thrown away with the environment.
  deletion_protection = false
}
