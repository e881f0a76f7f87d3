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

# Seed 004's PMP API (apps/pmp-api) reads the consent notice in force from here (NOTICES_BUCKET).
# Its database is kit's PostgreSQL locally (RDS behind RDS Proxy on AWS).
module "pmp_notices" {
  source = "../../modules/s3-bucket"

  name          = "${local.name}-pmp-notices"
  force_destroy = true
  # The emulator speaks plain HTTP; a TLS-only policy would refuse every call (moto enforces it).
  require_tls = false
  seed_objects = {
    "notices/current.json" = {
      content = jsonencode({
        version  = 1
        purposes = ["analytics", "ads", "personalisation"]
        vendors  = ["kit-example-vendor"]
      })
    }
  }
}
