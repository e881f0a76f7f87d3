# A CloudWatch Synthetics canary that places a business request on the public order API every few
# minutes, as a customer's client would: create an order, read it back, cancel it
# (apps/order-canary). A Route 53 check (module uptime-checks) says the readiness path answers; this
# says the business works end to end through the load balancer, the app and the database. A run
# that fails pages through module observability (output alarms), with the runbook's link.

data "aws_partition" "current" {}
data "aws_region" "current" {}
data "aws_caller_identity" "current" {}

locals {
  # Synthetics' names: at most 255 of lowercase letters, digits, hyphens and underscores.
  canary_name = substr(replace(lower(var.name), "/[^a-z0-9_-]/", "-"), 0, 255)
  account     = data.aws_caller_identity.current.account_id
}

# Each run's artifacts (logs, the HAR of its requests), kept as long as the run's result.
module "artifacts" {
  source = "../s3-bucket"

  name                           = "${var.name}-canary-${local.account}"
  noncurrent_version_expiry_days = 7
  tags                           = var.tags
}

data "aws_iam_policy_document" "assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "canary" {
  name               = "${var.name}-canary-${data.aws_region.current.region}"
  assume_role_policy = data.aws_iam_policy_document.assume.json
  tags               = var.tags
}

# What Synthetics' own documentation lists for a canary's role, limited to this canary's bucket,
# key, log group and metric namespace.
data "aws_iam_policy_document" "canary" {
  statement {
    sid       = "Artifacts"
    actions   = ["s3:PutObject", "s3:GetObject"]
    resources = ["${module.artifacts.arn}/*"]
  }
  statement {
    sid       = "ArtifactsBucket"
    actions   = ["s3:GetBucketLocation"]
    resources = [module.artifacts.arn]
  }
  statement {
    sid       = "ArtifactsKey"
    actions   = ["kms:GenerateDataKey", "kms:Decrypt"]
    resources = [module.artifacts.kms_key_arn]
  }
  statement {
    sid       = "ListBuckets"
    actions   = ["s3:ListAllMyBuckets"]
    resources = ["*"]
  }
  statement {
    sid     = "Logs"
    actions = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"]
    resources = [
      "arn:${data.aws_partition.current.partition}:logs:${data.aws_region.current.region}:${local.account}:log-group:/aws/lambda/cwsyn-${local.canary_name}-*",
    ]
  }
  statement {
    sid       = "Metrics"
    actions   = ["cloudwatch:PutMetricData"]
    resources = ["*"]
    condition {
      test     = "StringEquals"
      variable = "cloudwatch:namespace"
      values   = ["CloudWatchSynthetics"]
    }
  }
}

resource "aws_iam_role_policy" "canary" {
  name   = "canary"
  role   = aws_iam_role.canary.id
  policy = data.aws_iam_policy_document.canary.json
}

# The provider sends the package only when zip_file's path changes: a new package replaces the canary.
resource "terraform_data" "code" {
  input = filesha256(var.zip_file)
}

resource "aws_synthetics_canary" "this" {
  name                 = local.canary_name
  artifact_s3_location = "s3://${module.artifacts.bucket}/runs/"
  execution_role_arn   = aws_iam_role.canary.arn
  runtime_version      = var.runtime_version
  handler              = "order-canary.handler"
  zip_file             = var.zip_file
  start_canary         = true

  success_retention_period = 7
  failure_retention_period = 31

  schedule {
    expression = "rate(${var.every_minutes} minute${var.every_minutes == 1 ? "" : "s"})"
  }

  run_config {
    timeout_in_seconds = 60
    memory_in_mb       = 960
    environment_variables = {
      ORDER_API_URL = var.order_api_url
    }
  }

  artifact_config {
    s3_encryption {
      encryption_mode = "SSE_KMS"
      kms_key_arn     = module.artifacts.kms_key_arn
    }
  }

  tags = var.tags

  depends_on = [aws_iam_role_policy.canary]

  lifecycle {
    replace_triggered_by = [terraform_data.code]
  }
}
