mock_provider "aws" {
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }

  mock_data "aws_region" {
    defaults = {
      region = "eu-west-1"
    }
  }

  mock_data "aws_partition" {
    defaults = {
      partition = "aws"
    }
  }

  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "123456789012"
    }
  }
}

variables {
  name       = "kit-prod"
  log_groups = ["/kit-prod/data-api", "aws-waf-logs-kit-prod"]
}

run "locked_in_compliance_mode_for_the_retention" {
  command = plan

  assert {
    condition     = aws_s3_bucket.this.bucket == "kit-prod-log-archive-123456789012" && aws_s3_bucket.this.object_lock_enabled
    error_message = "The archive bucket must have Object Lock on."
  }

  assert {
    condition     = one(aws_s3_bucket_object_lock_configuration.this.rule).default_retention[0].mode == "COMPLIANCE" && one(aws_s3_bucket_object_lock_configuration.this.rule).default_retention[0].years == 1
    error_message = "Objects must be locked in compliance mode (not governance, which an admin can bypass) for retention_years."
  }

  assert {
    condition     = aws_s3_bucket_versioning.this.versioning_configuration[0].status == "Enabled"
    error_message = "Object Lock needs versioning."
  }

  assert {
    condition     = anytrue([for s in jsondecode(aws_s3_bucket_policy.this.policy).Statement : s.Effect == "Deny" && contains(flatten([s.Action]), "s3:PutBucketObjectLockConfiguration")])
    error_message = "The bucket policy must deny changing the lock configuration."
  }

  assert {
    condition     = anytrue([for s in jsondecode(aws_s3_bucket_policy.this.policy).Statement : s.Sid == "DenyInsecureTransport" && s.Effect == "Deny" && try(s.Condition.Bool["aws:SecureTransport"], "") == "false"])
    error_message = "The bucket must refuse plain HTTP."
  }
}

run "glacier_after_three_months_and_gone_only_after_the_lock" {
  command = plan

  assert {
    condition     = one(one(aws_s3_bucket_lifecycle_configuration.this.rule).transition).days == 90 && one(one(aws_s3_bucket_lifecycle_configuration.this.rule).transition).storage_class == "GLACIER"
    error_message = "Objects must move to Glacier after 90 days (three months at hand)."
  }

  assert {
    condition     = one(one(aws_s3_bucket_lifecycle_configuration.this.rule).expiration).days > 365
    error_message = "Objects must outlive their one-year lock."
  }

  assert {
    condition     = one(one(aws_s3_bucket_server_side_encryption_configuration.this.rule).apply_server_side_encryption_by_default).sse_algorithm == "aws:kms"
    error_message = "The archive must be encrypted with its own KMS key."
  }
}

run "every_named_log_group_streams_into_it" {
  command = plan

  assert {
    condition     = toset(keys(aws_cloudwatch_log_subscription_filter.this)) == toset(["/kit-prod/data-api", "aws-waf-logs-kit-prod"])
    error_message = "Each named log group must have a subscription to the archive's stream."
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.this.destination == "extended_s3" && aws_kinesis_firehose_delivery_stream.this.server_side_encryption[0].enabled
    error_message = "The stream must write to S3, encrypted."
  }

  assert {
    condition     = jsonencode([for s in data.aws_iam_policy_document.logs.statement : s.actions]) == jsonencode([["firehose:PutRecord", "firehose:PutRecordBatch"]])
    error_message = "The subscription role may only put records."
  }
}

run "longer_retention" {
  command = plan

  variables {
    retention_years = 7
  }

  assert {
    condition     = one(aws_s3_bucket_object_lock_configuration.this.rule).default_retention[0].years == 7 && one(one(aws_s3_bucket_lifecycle_configuration.this.rule).expiration).days > 7 * 365
    error_message = "The lock and the expiry must follow retention_years."
  }
}

run "rejects_no_retention" {
  command = plan

  variables {
    retention_years = 0
  }

  expect_failures = [var.retention_years]
}
