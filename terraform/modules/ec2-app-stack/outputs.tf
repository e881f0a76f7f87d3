output "load_balancer_dns_name" {
  description = "The load balancer's DNS name."
  value       = aws_lb.this.dns_name
}

output "autoscaling_group_name" {
  description = "The autoscaling group."
  value       = aws_autoscaling_group.this.name
}

output "instance_target_tags" {
  description = "The tags that select this stack's instances for SSM commands."
  value       = local.target_tags
}

output "autoupdate_document" {
  description = "The Run Command document that runs the autoupdater."
  value       = aws_ssm_document.autoupdate.name
}

output "autoupdate_function_name" {
  description = "The on-demand autoupdate Lambda (null without a package)."
  value       = try(aws_lambda_function.autoupdate[0].function_name, null)
}

output "credential_parameter" {
  description = "The SSM parameter holding the download credential."
  value       = aws_ssm_parameter.download_credential.name
}

output "mysql_endpoint" {
  description = "The back office MySQL's address (null without one)."
  value       = try(aws_db_instance.mysql[0].address, null)
}

output "instance_role_arn" {
  description = "The instances' role."
  value       = aws_iam_role.instances.arn
}
