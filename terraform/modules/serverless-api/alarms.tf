# Alarms on the function and its API in the shape of module observability's `alarms` (the
# environment passes them there; it owns the topics). The database's are module rds-postgres's
# caller's (the environment adds them beside these).
locals {
  alarms = {
    "${var.name}-lambda-errors" = {
      description         = "${local.function_name}: invocations failed"
      namespace           = "AWS/Lambda"
      metric_name         = "Errors"
      dimensions          = { FunctionName = local.function_name }
      statistic           = "Sum"
      threshold           = 5
      comparison_operator = "GreaterThanThreshold"
      treat_missing_data  = "notBreaching"
      severity            = "page"
      runbook             = "${var.runbook_url}#pmp-api-errors-throttles-5xx-alarms"
    }
    "${var.name}-lambda-throttles" = {
      description         = "${local.function_name}: invocations throttled (concurrency limit)"
      namespace           = "AWS/Lambda"
      metric_name         = "Throttles"
      dimensions          = { FunctionName = local.function_name }
      statistic           = "Sum"
      threshold           = 0
      comparison_operator = "GreaterThanThreshold"
      treat_missing_data  = "notBreaching"
      severity            = "page"
      runbook             = "${var.runbook_url}#pmp-api-errors-throttles-5xx-alarms"
    }
    "${var.name}-lambda-duration-p99" = {
      description         = "${local.function_name}: p99 duration over 3 s"
      namespace           = "AWS/Lambda"
      metric_name         = "Duration"
      dimensions          = { FunctionName = local.function_name }
      extended_statistic  = "p99"
      threshold           = 3000
      comparison_operator = "GreaterThanThreshold"
      severity            = "ticket"
      runbook             = "${var.runbook_url}#pmp-api-errors-throttles-5xx-alarms"
    }
  }
}
