output "canary_name" {
  description = "The canary (aws synthetics get-canary-runs --name <this>)."
  value       = aws_synthetics_canary.this.name
}

output "artifacts_bucket" {
  description = "Where each run's logs and requests are kept."
  value       = module.artifacts.bucket
}

output "alarms" {
  description = "One page-severity alarm in module observability's shape: two failed runs in a row (no run at all counts as failed)."
  value = {
    "${var.name}-canary" = {
      description         = "The order canary could not place, read back and cancel an order on ${var.order_api_url} in two runs in a row."
      namespace           = "CloudWatchSynthetics"
      metric_name         = "SuccessPercent"
      dimensions          = { CanaryName = aws_synthetics_canary.this.name }
      statistic           = "Average"
      severity            = "page"
      runbook             = var.runbook
      period              = var.every_minutes * 60
      evaluation_periods  = 2
      threshold           = 100
      comparison_operator = "LessThanThreshold"
      treat_missing_data  = "breaching"
    }
  }
}
