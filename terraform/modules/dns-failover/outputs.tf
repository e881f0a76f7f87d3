output "health_check_id" {
  description = "The check that decides this side of the pair (alarm on it to hear of a failover)."
  value       = aws_route53_health_check.regional.id
}

output "set_identifier" {
  description = "This side's set identifier in the pair."
  value       = "${var.name}-${lower(var.role)}"
}

output "records" {
  description = "The records made: type => [name, failover role, alias target, whether the target's health counts]."
  value       = { for t, r in aws_route53_record.this : t => [r.name, r.failover_routing_policy[0].type, r.alias[0].name, r.alias[0].evaluate_target_health] }
}
