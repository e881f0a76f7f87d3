output "cluster_name" {
  description = "ECS cluster name (aws ecs … --cluster)."
  value       = aws_ecs_cluster.this.name
}

output "service_name" {
  description = "ECS service name."
  value       = aws_ecs_service.this.name
}

output "task_definition_arn" {
  description = "Task definition revision the service runs (names the image by digest)."
  value       = aws_ecs_task_definition.this.arn
}

output "task_family" {
  description = "Task definition family; CD registers new revisions in it."
  value       = aws_ecs_task_definition.this.family
}

output "url" {
  description = "The service's HTTPS URL."
  value       = "https://${var.domain_name}"
}

output "load_balancer_dns_name" {
  description = "DNS name of the load balancer (the alias record's target)."
  value       = aws_lb.this.dns_name
}

output "task_role_arn" {
  description = "Role of the app inside the task."
  value       = aws_iam_role.task.arn
}

output "execution_role_arn" {
  description = "Role ECS pulls the image and writes logs with."
  value       = aws_iam_role.execution.arn
}

output "service_security_group_id" {
  description = "Security group of the tasks."
  value       = aws_security_group.service.id
}

output "alarms" {
  description = "Alarms on the service in the shape of module observability's `alarms` (pass them there; it owns the topic)."
  value       = local.alarms
}

output "dashboard_name" {
  description = "CloudWatch dashboard of the service."
  value       = aws_cloudwatch_dashboard.this.dashboard_name
}

output "dns_records" {
  description = "The public name's failover records: type => [name, failover role, alias target]."
  value       = module.dns.records
}
