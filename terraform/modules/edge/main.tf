data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

# The account Elastic Load Balancing writes access logs from, in this region.
data "aws_elb_service_account" "current" {}

# --- HTTPS ---------------------------------------------------------------------------------------

# The ALBs' certificate (the charts' ingress.alb.certificateArn): the listener on 443, 80 redirects.
resource "aws_acm_certificate" "this" {
  domain_name               = var.domain_name
  subject_alternative_names = var.subject_alternative_names
  validation_method         = "DNS"

  tags = var.tags

  lifecycle {
    create_before_destroy = true
  }
}

# --- WAF -----------------------------------------------------------------------------------------

resource "aws_wafv2_web_acl" "this" {
  name        = "${var.name}-apps"
  description = "In front of the apps' ALBs (the charts' ingress.alb.wafv2AclArn): per-IP rate limit, AWS managed common and known-bad-input rules."
  scope       = "REGIONAL"

  default_action {
    allow {}
  }

  rule {
    name     = "rate-limit-per-ip"
    priority = 0

    action {
      block {}
    }

    statement {
      rate_based_statement {
        limit              = var.rate_limit_per_5_minutes
        aggregate_key_type = "IP"
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name}-rate-limit-per-ip"
      sampled_requests_enabled   = true
    }
  }

  rule {
    name     = "aws-common"
    priority = 1

    override_action {
      none {}
    }

    statement {
      managed_rule_group_statement {
        vendor_name = "AWS"
        name        = "AWSManagedRulesCommonRuleSet"
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name}-aws-common"
      sampled_requests_enabled   = true
    }
  }

  rule {
    name     = "aws-known-bad-inputs"
    priority = 2

    override_action {
      none {}
    }

    statement {
      managed_rule_group_statement {
        vendor_name = "AWS"
        name        = "AWSManagedRulesKnownBadInputsRuleSet"
      }
    }

    visibility_config {
      cloudwatch_metrics_enabled = true
      metric_name                = "${var.name}-aws-known-bad-inputs"
      sampled_requests_enabled   = true
    }
  }

  visibility_config {
    cloudwatch_metrics_enabled = true
    metric_name                = "${var.name}-apps"
    sampled_requests_enabled   = true
  }

  tags = var.tags
}

# --- ALB access logs -----------------------------------------------------------------------------

# trivy: AWS-0089 (access logging) accepted for the reason of checkov's CKV_AWS_18 below.
#trivy:ignore:AVD-AWS-0089
resource "aws_s3_bucket" "access_logs" {
  #checkov:skip=CKV_AWS_144:Access logs are kept in one region; losing the region loses its ALBs too.
  #checkov:skip=CKV_AWS_18:This bucket is itself a log destination; logging it would need a second bucket.
  #checkov:skip=CKV2_AWS_62:No consumer of object events for access logs.
  #checkov:skip=CKV_AWS_145:ALB access logs can be delivered only to buckets encrypted with SSE-S3, not SSE-KMS.
  bucket = "${var.name}-alb-access-logs-${data.aws_caller_identity.current.account_id}"

  tags = var.tags
}

resource "aws_s3_bucket_versioning" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id

  versioning_configuration {
    status = "Enabled"
  }
}

# trivy: AWS-0132 (SSE-KMS) accepted: ALB access logs are delivered only to buckets encrypted with SSE-S3.
#trivy:ignore:AVD-AWS-0132
resource "aws_s3_bucket_server_side_encryption_configuration" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_public_access_block" "access_logs" {
  bucket                  = aws_s3_bucket.access_logs.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id

  rule {
    id     = "expire-access-logs"
    status = "Enabled"

    filter {}

    expiration {
      days = var.access_log_retention_days
    }

    noncurrent_version_expiration {
      noncurrent_days = 7
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }
}

locals {
  access_logs_arn = "arn:${data.aws_partition.current.partition}:s3:::${var.name}-alb-access-logs-${data.aws_caller_identity.current.account_id}"
  # Plain JSON so `terraform test` can assert on it in a plan.
  access_logs_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "ElbWritesAccessLogs"
        Effect    = "Allow"
        Principal = { AWS = data.aws_elb_service_account.current.arn }
        Action    = "s3:PutObject"
        Resource  = "${local.access_logs_arn}/alb/AWSLogs/${data.aws_caller_identity.current.account_id}/*"
      },
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [local.access_logs_arn, "${local.access_logs_arn}/*"]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
    ]
  })
}

resource "aws_s3_bucket_policy" "access_logs" {
  bucket = aws_s3_bucket.access_logs.id
  policy = local.access_logs_policy

  depends_on = [aws_s3_bucket_public_access_block.access_logs]
}

# --- WAF logs ------------------------------------------------------------------------------------

# WAF requires the aws-waf-logs- prefix on its log destinations.
# trivy: AWS-0017 (log group CMK) accepted for the reason of checkov's CKV_AWS_158 below.
#trivy:ignore:AVD-AWS-0017
resource "aws_cloudwatch_log_group" "waf" {
  #checkov:skip=CKV_AWS_338:Retention is var.access_log_retention_days; prod passes 400 days, dev keeps less to save cost.
  #checkov:skip=CKV_AWS_158:CloudWatch Logs encrypts at rest with its own key; a customer managed key would need a key policy for the logs service principal (see docs/aws-resources.md, improvements).
  name              = "aws-waf-logs-${var.name}-apps"
  retention_in_days = var.access_log_retention_days

  tags = var.tags
}

resource "aws_wafv2_web_acl_logging_configuration" "this" {
  resource_arn            = aws_wafv2_web_acl.this.arn
  log_destination_configs = [aws_cloudwatch_log_group.waf.arn]
}
