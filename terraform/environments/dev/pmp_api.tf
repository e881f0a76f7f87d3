# Seed 004's PMP API: one Lambda (deployed by serverless from GitLab, apps/pmp-api/serverless.yml)
# behind API Gateway's HTTP API at pmp.<domain_name>, PostgreSQL on RDS through RDS Proxy, the
# consent notices in S3. Terraform makes everything around the function and records what
# serverless.yml needs in SSM (/<project>-<env>-pmp/...); serverless makes the function, its API
# and the mapping onto the custom domain. Locally kit runs the handler against its PostgreSQL and
# the emulator's S3 (kit.config.yaml: postgres, containers.pmp-api). docs/pmp-api.md.

locals {
  pmp_name = "${local.name}-pmp"

  pmp_database_alarms = {
    "${local.pmp_name}-db-cpu" = {
      description         = "PostgreSQL ${module.pmp_database.instance_identifier} above 80 % CPU"
      namespace           = "AWS/RDS"
      metric_name         = "CPUUtilization"
      dimensions          = { DBInstanceIdentifier = module.pmp_database.instance_identifier }
      threshold           = 80
      comparison_operator = "GreaterThanThreshold"
      severity            = "ticket"
      runbook             = "${local.runbooks}#pmp-api-errors-throttles-5xx-alarms"
    }
    "${local.pmp_name}-db-free-storage" = {
      description         = "PostgreSQL ${module.pmp_database.instance_identifier} below 2 GiB free storage"
      namespace           = "AWS/RDS"
      metric_name         = "FreeStorageSpace"
      dimensions          = { DBInstanceIdentifier = module.pmp_database.instance_identifier }
      threshold           = 2147483648
      comparison_operator = "LessThanThreshold"
      severity            = "page"
      runbook             = "${local.runbooks}#pmp-api-errors-throttles-5xx-alarms"
    }
  }
}

module "pmp_notices" {
  source = "../../modules/s3-bucket"

  name = "${local.pmp_name}-notices-${data.aws_caller_identity.current.account_id}"
}

module "pmp_database" {
  source = "../../modules/rds-postgres"

  name                      = local.pmp_name
  vpc_id                    = module.network.vpc_id
  subnet_ids                = module.network.private_subnet_ids
  client_security_group_ids = { lambda = module.pmp_api.lambda_security_group_id, db-access = module.db_access.security_group_id }
  database_name             = "pmp"
  instance_class            = var.pmp_db_instance_class
  multi_az                  = var.environment == "prod"
  deletion_protection       = var.environment == "prod"
}

module "pmp_api" {
  source = "../../modules/serverless-api"

  name                       = local.pmp_name
  stage                      = var.environment
  vpc_id                     = module.network.vpc_id
  subnet_ids                 = module.network.private_subnet_ids
  db_proxy_security_group_id = module.pmp_database.proxy_security_group_id
  db_proxy_endpoint          = module.pmp_database.proxy_endpoint
  db_proxy_resource_id       = module.pmp_database.proxy_resource_id
  db_name                    = "pmp"
  data_bucket_name           = module.pmp_notices.bucket
  data_bucket_arn            = module.pmp_notices.arn
  data_bucket_kms_key_arn    = module.pmp_notices.kms_key_arn
  domain_name                = "pmp.${var.domain_name}"
  certificate_arn            = module.edge.certificate_arn
  zone_id                    = var.route53_zone_id
  failover_role              = var.failover_role
  partner_api_url            = var.pmp_partner_api_url
  runbook_url                = local.runbooks
}
