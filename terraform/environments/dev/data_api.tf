# Seed 003's data-api: a DynamoDB table and the service on ECS Fargate behind its own ALB, at
# data-api.<domain_name>. No chicken-and-egg on the first deploy: the ECR repository (module ecr)
# and the table exist from the first apply; the service only once CI has pushed an image and
# tested it (.github/workflows/data-api.yml). That workflow records the digest it deployed in the
# SSM parameter /<project>-<env>/data-api/image-digest, so every later apply (kit promote's too)
# keeps running it; `-var data_api_image_digest=sha256:…` deploys another.
# Locally kit runs the same image as a container against the emulator's table (kit.config.yaml).

locals {
  data_api_name      = "${local.name}-data-api"
  data_api_log_group = "/${local.name}/data-api"

  # A digest is no secret; the data source marks every value sensitive.
  data_api_recorded = nonsensitive(zipmap(
    data.aws_ssm_parameters_by_path.data_api.names, data.aws_ssm_parameters_by_path.data_api.values,
  ))
  data_api_image_digest = var.data_api_image_digest != null ? var.data_api_image_digest : one([
    for name, value in local.data_api_recorded : value if endswith(name, "/image-digest")
  ])
}

data "aws_ssm_parameters_by_path" "data_api" {
  path = "/${local.name}/data-api"
}

module "data_api_table" {
  source = "../../modules/dynamodb"

  name = "${local.data_api_name}-items"
}

module "data_api" {
  source = "../../modules/ecs-service"
  count  = local.data_api_image_digest == null ? 0 : 1

  name                 = local.data_api_name
  image_repository_url = module.ecr.repository_urls["${local.name}/data-api"]
  image_digest         = local.data_api_image_digest
  environment = {
    DYNAMODB_TABLE = module.data_api_table.table_name
    AWS_REGION     = var.region
    APP_VERSION    = local.data_api_image_digest
  }
  desired_count      = var.data_api_min_tasks
  min_count          = var.data_api_min_tasks
  max_count          = var.data_api_max_tasks
  vpc_id             = module.network.vpc_id
  public_subnet_ids  = module.network.public_subnet_ids
  private_subnet_ids = module.network.private_subnet_ids
  certificate_arn    = module.edge.certificate_arn
  web_acl_arn        = module.edge.web_acl_arn
  access_logs_bucket = module.edge.access_logs_bucket
  zone_id            = var.route53_zone_id
  domain_name        = "data-api.${var.domain_name}"
  failover_role      = var.failover_role
  # module observability's group (its retention), created before the first task writes to it
  log_group_name      = module.observability.log_group_names[local.data_api_log_group]
  table_arn           = module.data_api_table.table_arn
  deletion_protection = var.environment == "prod"
  runbook_url         = "${local.runbooks}#data-api-5xx-unhealthy-tasks-latency-cpu-memory-alarms-kit-env-data-api-"
}
