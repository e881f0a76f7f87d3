output "health_check_ids" {
  description = "Route 53 health check per endpoint (also usable by failover records)."
  value       = { for k, c in aws_route53_health_check.this : k => c.id }
}

output "alarm_names" {
  description = "The page-severity alarm per endpoint (in us-east-1)."
  value       = { for k, a in aws_cloudwatch_metric_alarm.down : k => a.alarm_name }
}
