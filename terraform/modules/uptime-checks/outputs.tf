output "health_check_ids" {
  description = "Route 53 health check per endpoint (also usable by failover records)."
  value       = { for k, c in aws_route53_health_check.this : k => c.id }
}

output "alarms" {
  description = "One page-severity alarm per endpoint, in module observability's shape: down for two minutes (no data counts as down)."
  value = { for k, c in var.checks : "${k}-down" => {
    description         = "https://${c.fqdn}${c.path} failed from Route 53's checkers for 2 minutes."
    namespace           = "AWS/Route53"
    metric_name         = "HealthCheckStatus"
    dimensions          = { HealthCheckId = aws_route53_health_check.this[k].id }
    statistic           = "Minimum"
    severity            = "page"
    runbook             = "docs/runbooks.md#an-endpoint-is-down-alarm-app-down"
    period              = 60
    evaluation_periods  = 2
    threshold           = 1
    comparison_operator = "LessThanThreshold"
    treat_missing_data  = "breaching"
  } }
}
