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

# The tickets topic gets an ARN of its own (the mock gives every topic the alarm topic's).
override_resource {
  target = aws_sns_topic.tickets
  values = {
    arn = "arn:aws:sns:eu-west-1:123456789012:kit-test-tickets"
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

run "pages_reach_the_pager_tickets_wait_for_working_hours" {
  command = apply

  variables {
    pager_https_endpoint = "https://events.pagerduty.com/integration/0123456789abcdef/enqueue"
    ticket_emails        = ["platform-queue@example.com"]
    alarms = {
      data-api-5xx = {
        description         = "data-api answered 5xx"
        namespace           = "AWS/ApplicationELB"
        metric_name         = "HTTPCode_Target_5XX_Count"
        dimensions          = { LoadBalancer = "app/x/1" }
        threshold           = 5
        comparison_operator = "GreaterThanThreshold"
        runbook             = "https://github.com/kit-dev/kit/blob/main/docs/runbooks.md#alb-5xx"
      }
      docdb-cpu = {
        description         = "DocumentDB CPU above 80%"
        namespace           = "AWS/DocDB"
        metric_name         = "CPUUtilization"
        dimensions          = { DBClusterIdentifier = "kit-test-orders" }
        threshold           = 80
        comparison_operator = "GreaterThanThreshold"
        severity            = "ticket"
      }
    }
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.this["data-api-5xx"].alarm_actions == toset([aws_sns_topic.this.arn]) && aws_cloudwatch_metric_alarm.this["data-api-5xx"].tags["Severity"] == "page"
    error_message = "A page-severity alarm (the default) must notify the alarm topic the pager listens to."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.this["docdb-cpu"].alarm_actions == toset(["arn:aws:sns:eu-west-1:123456789012:kit-test-tickets"]) && aws_cloudwatch_metric_alarm.this["docdb-cpu"].ok_actions == toset(["arn:aws:sns:eu-west-1:123456789012:kit-test-tickets"])
    error_message = "A ticket-severity alarm must notify the tickets topic only, never the pager."
  }

  assert {
    condition     = endswith(aws_cloudwatch_metric_alarm.this["data-api-5xx"].alarm_description, "Severity: page. Runbook: https://github.com/kit-dev/kit/blob/main/docs/runbooks.md#alb-5xx")
    error_message = "An alarm's description must say its severity and link its runbook."
  }

  assert {
    condition     = aws_sns_topic_subscription.pager[0].protocol == "https" && aws_sns_topic_subscription.pager[0].topic_arn == aws_sns_topic.this.arn && aws_sns_topic_subscription.tickets["platform-queue@example.com"].topic_arn == aws_sns_topic.tickets.arn
    error_message = "The pager must subscribe to the alarm topic over HTTPS; the ticket queue to the tickets topic."
  }
}

run "rejects_an_unknown_severity_and_a_plain_http_pager" {
  command = plan

  variables {
    pager_https_endpoint = "http://pager.example.com"
    alarms = {
      x = {
        description         = "x"
        namespace           = "N"
        metric_name         = "M"
        dimensions          = {}
        threshold           = 1
        comparison_operator = "GreaterThanThreshold"
        severity            = "urgent"
      }
    }
  }

  expect_failures = [var.alarms, var.pager_https_endpoint]
}
