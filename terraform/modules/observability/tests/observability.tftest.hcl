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

  mock_resource "aws_kms_key" {
    defaults = {
      arn = "arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-0000-0000-000000000001"
    }
  }

  mock_resource "aws_sns_topic" {
    defaults = {
      arn = "arn:aws:sns:eu-west-1:123456789012:kit-test-alarms"
    }
  }
}

variables {
  name         = "kit-test"
  alarm_emails = ["oncall@example.com"]
  log_groups   = { "/kit/test/apps" = 400 }
  alarms = {
    docdb-cpu = {
      description         = "DocumentDB CPU above 80%"
      namespace           = "AWS/DocDB"
      metric_name         = "CPUUtilization"
      dimensions          = { DBClusterIdentifier = "kit-test-orders" }
      threshold           = 80
      comparison_operator = "GreaterThanThreshold"
    }
  }
}

run "alarms_notify_an_encrypted_topic" {
  command = apply

  assert {
    condition     = aws_sns_topic.this.name == "kit-test-alarms" && aws_sns_topic.this.kms_master_key_id == aws_kms_key.this.arn
    error_message = "The alarm topic must be encrypted with the module's customer managed key (CloudWatch cannot use alias/aws/sns)."
  }

  assert {
    condition = anytrue([for s in jsondecode(aws_kms_key.this.policy).Statement :
      s.Effect == "Allow" && try(s.Principal.Service, "") == "cloudwatch.amazonaws.com"
      && contains(flatten([s.Action]), "kms:Decrypt") && contains(flatten([s.Action]), "kms:GenerateDataKey*")
    ])
    error_message = "The topic key's policy must let cloudwatch.amazonaws.com decrypt and generate data keys, or alarms never notify."
  }

  assert {
    condition     = aws_kms_key.this.enable_key_rotation
    error_message = "The topic key must rotate."
  }

  assert {
    condition     = aws_sns_topic_subscription.this["oncall@example.com"].protocol == "email"
    error_message = "Each address gets an e-mail subscription."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.this["docdb-cpu"].alarm_name == "kit-test-docdb-cpu" && aws_cloudwatch_metric_alarm.this["docdb-cpu"].evaluation_periods == 5 && aws_cloudwatch_metric_alarm.this["docdb-cpu"].period == 60
    error_message = "Alarms are named after the environment and default to 5 one-minute periods."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.this["docdb-cpu"].dimensions["DBClusterIdentifier"] == "kit-test-orders"
    error_message = "Dimensions must pass through."
  }
}

run "log_groups_keep_their_retention" {
  command = plan

  assert {
    condition     = aws_cloudwatch_log_group.this["/kit/test/apps"].retention_in_days == 400
    error_message = "Retention must pass through (PCI: at least a year)."
  }
}

run "rejects_a_retention_cloudwatch_refuses" {
  command = plan

  variables {
    log_groups = { "/kit/test/apps" = 42 }
  }

  expect_failures = [var.log_groups]
}

run "rejects_an_unknown_comparison" {
  command = plan

  variables {
    alarms = {
      bad = {
        description         = "x"
        namespace           = "x"
        metric_name         = "x"
        dimensions          = {}
        threshold           = 1
        comparison_operator = "Above"
      }
    }
  }

  expect_failures = [var.alarms]
}

run "rejects_a_malformed_email" {
  command = plan

  variables {
    alarm_emails = ["oncall"]
  }

  expect_failures = [var.alarm_emails]
}
