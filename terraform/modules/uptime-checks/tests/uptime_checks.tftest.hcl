mock_provider "aws" {
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
}

variables {
  name = "kit-prod"
  checks = {
    go-app = { fqdn = "go-app.kit.example.com" }
    pmp    = { fqdn = "pmp.kit.example.com", path = "/status" }
  }
}

run "each_endpoint_is_called_over_https_from_three_regions" {
  command = plan

  assert {
    condition     = { for k, c in aws_route53_health_check.this : k => [c.type, c.fqdn, c.resource_path, length(c.regions)] } == { go-app = ["HTTPS", "go-app.kit.example.com", "/readyz", 3], pmp = ["HTTPS", "pmp.kit.example.com", "/status", 3] }
    error_message = "One HTTPS check per endpoint, its readiness path, from three regions."
  }
}

run "a_failing_endpoint_pages_within_two_minutes" {
  command = plan

  assert {
    condition     = aws_cloudwatch_metric_alarm.down["go-app"].evaluation_periods * aws_cloudwatch_metric_alarm.down["go-app"].period == 120 && aws_cloudwatch_metric_alarm.down["go-app"].treat_missing_data == "breaching" && aws_cloudwatch_metric_alarm.down["go-app"].tags["Severity"] == "page"
    error_message = "Two failed minutes page; no data counts as down."
  }

  assert {
    condition     = aws_kms_key.topic.enable_key_rotation && length(aws_sns_topic_subscription.pager) == 0
    error_message = "The topic is under its own rotated key; no pager subscription without an endpoint."
  }

  assert {
    condition     = contains([for s in jsondecode(aws_kms_key.topic.policy).Statement : s.Principal], { Service = "cloudwatch.amazonaws.com" })
    error_message = "CloudWatch may use the topic's key, or the alarms could never notify."
  }
}

run "refuses_a_url_where_a_host_name_belongs" {
  command = plan

  variables {
    checks = { go-app = { fqdn = "https://go-app.kit.example.com/readyz" } }
  }

  expect_failures = [var.checks]
}
