# What one Lambda deployed by the serverless framework needs around it (seed 004's PMP API): its
# security group and role, the bucket serverless uploads to, the API's custom domain, and SSM
# parameters serverless.yml reads (${ssm:/<name>/...}), so the function, the API and its
# CloudFormation stack stay serverless's while everything they depend on is Terraform's.

data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  partition = data.aws_partition.current.partition
  region    = data.aws_region.current.region
  account   = data.aws_caller_identity.current.account_id
  # serverless names the stack <service>-<stage> and the function <service>-<stage>-<function>.
  stack_name    = "${var.service}-${var.stage}"
  function_name = "${var.service}-${var.stage}-${var.function}"
  function_arn  = "arn:${local.partition}:lambda:${local.region}:${local.account}:function:${local.function_name}"
  log_group_arn = "arn:${local.partition}:logs:${local.region}:${local.account}:log-group:/aws/lambda/${local.function_name}"
  stack_arn     = "arn:${local.partition}:cloudformation:${local.region}:${local.account}:stack/${local.stack_name}/*"
  ssm_prefix    = "/${var.name}"
  db_user_arn   = "arn:${local.partition}:rds-db:${local.region}:${local.account}:dbuser:${var.db_proxy_resource_id}/${var.db_user}"
}

resource "aws_security_group" "lambda" {
  #checkov:skip=CKV2_AWS_5:serverless attaches it to the function (serverless.yml provider.vpc), outside Terraform.
  name        = "${var.name}-lambda"
  description = "The ${local.function_name} Lambda: HTTPS out (partner API through NAT, AWS APIs) and PostgreSQL to its proxy"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = "${var.name}-lambda" })
}

# trivy: AWS-0104 (egress to any address) accepted for the reason of checkov's CKV_AWS_382 below: port 443 only.
#trivy:ignore:AVD-AWS-0104
resource "aws_vpc_security_group_egress_rule" "https" {
  #checkov:skip=CKV_AWS_382:The third-party API has no fixed addresses; HTTPS only, through the NAT gateway (flow-logged).
  security_group_id = aws_security_group.lambda.id
  description       = "HTTPS to the third-party API and AWS APIs"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}

resource "aws_vpc_security_group_egress_rule" "database" {
  security_group_id            = aws_security_group.lambda.id
  description                  = "PostgreSQL to RDS Proxy"
  referenced_security_group_id = var.db_proxy_security_group_id
  ip_protocol                  = "tcp"
  from_port                    = 5432
  to_port                      = 5432
}

resource "aws_iam_role" "lambda" {
  name = "${var.name}-lambda"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "lambda.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = local.account } }
    }]
  })

  tags = var.tags
}

# ENIs in the VPC: AWS's managed policy (its EC2 actions have no resource-level permissions).
resource "aws_iam_role_policy_attachment" "vpc_access" {
  role       = aws_iam_role.lambda.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole"
}

resource "aws_iam_role_policy" "lambda" {
  name = "pmp-api"
  role = aws_iam_role.lambda.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "WriteOwnLogs"
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = ["${local.log_group_arn}:*"]
      },
      {
        Sid      = "ReadNotices"
        Effect   = "Allow"
        Action   = ["s3:GetObject"]
        Resource = ["${var.data_bucket_arn}/*"]
      },
      {
        Sid      = "DecryptNotices"
        Effect   = "Allow"
        Action   = ["kms:Decrypt"]
        Resource = [var.data_bucket_kms_key_arn]
      },
      {
        Sid      = "ConnectThroughProxy"
        Effect   = "Allow"
        Action   = ["rds-db:connect"]
        Resource = [local.db_user_arn]
      },
    ]
  })
}

# Where `serverless deploy` uploads the package and template (provider.deploymentBucket).
module "deployment_bucket" {
  source = "../s3-bucket"

  name                           = "${var.name}-deployments-${local.account}"
  noncurrent_version_expiry_days = 14
  tags                           = var.tags
}

resource "aws_apigatewayv2_domain_name" "this" {
  domain_name = var.domain_name

  domain_name_configuration {
    certificate_arn = var.certificate_arn
    endpoint_type   = "REGIONAL"
    security_policy = "TLS_1_2"
  }

  tags = var.tags
}

# The public name: one side of a Route 53 failover pair (module dns-failover), PRIMARY here and
# SECONDARY in the disaster-recovery copy of the environment, decided by a check of this region's
# own API endpoint (its readiness answers 503 when the database does not).
module "dns" {
  source = "../dns-failover"

  name        = var.name
  role        = var.failover_role
  zone_id     = var.zone_id
  record_name = var.domain_name
  target = {
    dns_name = aws_apigatewayv2_domain_name.this.domain_name_configuration[0].target_domain_name
    zone_id  = aws_apigatewayv2_domain_name.this.domain_name_configuration[0].hosted_zone_id
  }
  health_path = "/readyz"
  # As before the pair: an API Gateway domain has no target health to evaluate; the check decides.
  evaluate_target_health = false
}

# Was a plain alias record: replaced (the set identifier is new) rather than left beside the pair.
moved {
  from = aws_route53_record.this
  to   = module.dns.aws_route53_record.this["A"]
}

# What serverless.yml reads. Not secrets: the database password never leaves Secrets Manager, and the
# function authenticates to the proxy with IAM.
locals {
  parameters = {
    "deployment-bucket"        = module.deployment_bucket.bucket
    "lambda-role-arn"          = aws_iam_role.lambda.arn
    "lambda-security-group-id" = aws_security_group.lambda.id
    "notices-bucket"           = var.data_bucket_name
    "db-proxy-endpoint"        = var.db_proxy_endpoint
    "db-name"                  = var.db_name
    "db-user"                  = var.db_user
    "api-domain-name"          = aws_apigatewayv2_domain_name.this.domain_name
    "partner-api-url"          = var.partner_api_url
  }
}

resource "aws_ssm_parameter" "this" {
  #checkov:skip=CKV2_AWS_34:Names, ARNs and endpoints, no secrets: plain String so serverless and people can read them.
  for_each = local.parameters

  name  = "${local.ssm_prefix}/${each.key}"
  type  = "String"
  value = each.value

  tags = var.tags
}

resource "aws_ssm_parameter" "subnets" {
  #checkov:skip=CKV2_AWS_34:Subnet ids, no secret: plain so serverless and people can read them.
  name  = "${local.ssm_prefix}/private-subnet-ids"
  type  = "StringList"
  value = join(",", var.subnet_ids)

  tags = var.tags
}
