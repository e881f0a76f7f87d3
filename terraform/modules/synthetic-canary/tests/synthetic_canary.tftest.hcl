mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_data "aws_region" {
    defaults = { region = "eu-west-1" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
  }
}

variables {
  name          = "kit-prod-orders"
  order_api_url = "https://node-app.kit.example.com"
  zip_file      = "../../../apps/order-canary/order-canary.zip"
}

run "places_a_business_request_every_five_minutes_on_the_public_api" {
  command = plan

  assert {
    condition     = aws_synthetics_canary.this.handler == "order-canary.handler" && aws_synthetics_canary.this.schedule[0].expression == "rate(5 minutes)" && aws_synthetics_canary.this.start_canary
    error_message = "The canary runs apps/order-canary's handler every five minutes from the apply on."
  }

  assert {
    condition     = aws_synthetics_canary.this.run_config[0].environment_variables["ORDER_API_URL"] == "https://node-app.kit.example.com" && startswith(aws_synthetics_canary.this.runtime_version, "syn-nodejs-")
    error_message = "The script is told the public origin, on a Node.js runtime."
  }

  assert {
    condition     = aws_synthetics_canary.this.artifact_config[0].s3_encryption[0].encryption_mode == "SSE_KMS"
    error_message = "Each run's artifacts (its requests and answers) are encrypted with the bucket's key."
  }
}

run "two_failed_runs_page" {
  command = plan

  assert {
    condition     = output.alarms["kit-prod-orders-canary"].severity == "page" && output.alarms["kit-prod-orders-canary"].metric_name == "SuccessPercent" && output.alarms["kit-prod-orders-canary"].evaluation_periods == 2 && output.alarms["kit-prod-orders-canary"].period == 300 && output.alarms["kit-prod-orders-canary"].treat_missing_data == "breaching"
    error_message = "Two failed (or missing) runs in a row page, in observability's shape."
  }
}

run "the_role_writes_only_its_own_artifacts_and_metrics" {
  command = plan

  assert {
    condition     = flatten([for s in data.aws_iam_policy_document.canary.statement : [for c in s.condition : c.values] if s.sid == "Metrics"]) == ["CloudWatchSynthetics"]
    error_message = "PutMetricData only into Synthetics' namespace."
  }

  assert {
    condition     = alltrue([for s in data.aws_iam_policy_document.canary.statement : !contains(s.actions, "s3:*") && !contains(s.actions, "*")])
    error_message = "No wildcard actions."
  }
}

run "refuses_a_plain_http_or_pathful_url" {
  command = plan

  variables {
    order_api_url = "http://node-app.kit.example.com/orders"
  }

  expect_failures = [var.order_api_url]
}

run "refuses_a_python_runtime_for_a_javascript_script" {
  command = plan

  variables {
    runtime_version = "syn-python-selenium-6.0"
  }

  expect_failures = [var.runtime_version]
}
