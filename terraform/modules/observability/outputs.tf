output "topic_arn" {
  description = "ARN of the SNS topic alarms notify (subscribe pagers and chat integrations to it)."
  value       = aws_sns_topic.this.arn
}

output "log_group_arns" {
  description = "Log group ARN by name."
  value       = { for name, g in aws_cloudwatch_log_group.this : name => g.arn }
}

output "alarm_arns" {
  description = "Alarm ARN by name."
  value       = { for name, a in aws_cloudwatch_metric_alarm.this : name => a.arn }
}

output "alarm_dimensions" {
  description = "Dimensions of each alarm by name (what the alarm watches)."
  value       = { for name, a in var.alarms : name => a.dimensions }
}

output "log_group_names" {
  description = "Log group name by name, once created: pass these to writers (a reference orders them after the group)."
  value       = { for name, g in aws_cloudwatch_log_group.this : name => g.name }
}

output "tickets_topic_arn" {
  description = "ARN of the SNS topic ticket-severity alarms notify."
  value       = aws_sns_topic.tickets.arn
}

output "alarm_severities" {
  description = "Severity of each alarm by name (page or ticket)."
  value       = { for name, a in var.alarms : name => a.severity }
}
