mock_provider "aws" {
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

  mock_data "aws_region" {
    defaults = {
      region = "eu-west-1"
    }
  }
}

variables {
  name                   = "kit-test"
  data_event_bucket_arns = ["arn:aws:s3:::kit-terraform-state"]
}

run "trail_covers_every_region_validated_and_encrypted" {
  command = plan

  assert {
    condition     = aws_cloudtrail.this.is_multi_region_trail && aws_cloudtrail.this.include_global_service_events
    error_message = "The trail must record every region and global services (IAM, STS)."
  }

  assert {
    condition     = aws_cloudtrail.this.enable_log_file_validation
    error_message = "Log file validation makes tampering with trail files detectable."
  }

  assert {
    condition     = one(one(aws_s3_bucket_server_side_encryption_configuration.trail.rule).apply_server_side_encryption_by_default).sse_algorithm == "aws:kms"
    error_message = "Trail files must be encrypted with the trail's customer managed key."
  }
}

run "state_bucket_object_access_is_recorded" {
  command = plan

  assert {
    condition     = one(one(aws_cloudtrail.this.event_selector).data_resource).values == tolist(["arn:aws:s3:::kit-terraform-state/"])
    error_message = "The state bucket's object reads and writes must be data events of the trail."
  }
}

run "only_this_trail_may_write_and_only_over_tls" {
  command = plan

  assert {
    condition = anytrue([for s in jsondecode(aws_s3_bucket_policy.trail.policy).Statement :
      s.Effect == "Allow" && s.Action == "s3:PutObject" && try(s.Principal.Service, "") == "cloudtrail.amazonaws.com"
      && s.Resource == "arn:aws:s3:::kit-test-cloudtrail-123456789012/AWSLogs/123456789012/*"
      && try(s.Condition.StringEquals["aws:SourceArn"], "") == "arn:aws:cloudtrail:eu-west-1:123456789012:trail/kit-test-audit"
    ])
    error_message = "CloudTrail may write only this account's prefix, and only for this trail (confused deputy)."
  }

  assert {
    condition = anytrue([for s in jsondecode(aws_s3_bucket_policy.trail.policy).Statement :
      s.Effect == "Deny" && try(s.Condition.Bool["aws:SecureTransport"], "") == "false"
    ])
    error_message = "The bucket must refuse requests without TLS."
  }

  assert {
    condition = (aws_s3_bucket_public_access_block.trail.block_public_acls && aws_s3_bucket_public_access_block.trail.block_public_policy
    && aws_s3_bucket_public_access_block.trail.ignore_public_acls && aws_s3_bucket_public_access_block.trail.restrict_public_buckets)
    error_message = "The trail bucket must block every form of public access."
  }
}

run "key_policy_lets_cloudtrail_encrypt_for_this_trail_only" {
  command = plan

  assert {
    condition = anytrue([for s in jsondecode(aws_kms_key.trail.policy).Statement :
      try(s.Principal.Service, "") == "cloudtrail.amazonaws.com" && s.Action == "kms:GenerateDataKey*"
      && try(s.Condition.StringEquals["aws:SourceArn"], "") == "arn:aws:cloudtrail:eu-west-1:123456789012:trail/kit-test-audit"
    ])
    error_message = "CloudTrail needs kms:GenerateDataKey* on the key, bound to this trail."
  }

  assert {
    condition     = aws_kms_key.trail.enable_key_rotation
    error_message = "The trail's key must rotate."
  }

  assert {
    condition = alltrue([for s in jsondecode(aws_kms_key.trail.policy).Statement :
      try(s.Principal.AWS, "") != "*" || try(s.Condition.StringEquals["kms:CallerAccount"], "") == "123456789012"
    ])
    error_message = "A statement open to any principal must be limited to this account's callers."
  }
}

run "without_data_event_buckets_the_trail_records_management_events_only" {
  command = plan

  variables {
    data_event_bucket_arns = []
  }

  assert {
    condition     = length(one(aws_cloudtrail.this.event_selector).data_resource) == 0 && one(aws_cloudtrail.this.event_selector).include_management_events
    error_message = "With no buckets named, the trail keeps management events and no data events."
  }
}

run "refuses_a_short_retention" {
  command = plan

  variables {
    retention_days = 30
  }

  expect_failures = [var.retention_days]
}

run "cloudtrail_alone_assumes_the_log_delivery_role_for_this_trail" {
  command = plan

  assert {
    condition = alltrue([for s in jsondecode(aws_iam_role.trail_to_logs.assume_role_policy).Statement :
      try(s.Principal.Service, "") == "cloudtrail.amazonaws.com"
      && try(s.Condition.StringEquals["aws:SourceArn"], "") == "arn:aws:cloudtrail:eu-west-1:123456789012:trail/kit-test-audit"
    ])
    error_message = "Only CloudTrail, for this trail, may assume the role that writes to the log group."
  }
}
