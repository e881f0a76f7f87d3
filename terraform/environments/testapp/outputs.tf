output "load_balancer_dns_name" {
  description = "Point the stack's DNS name here."
  value       = module.stack.load_balancer_dns_name
}

output "autoscaling_group_name" {
  description = "The autoscaling group."
  value       = module.stack.autoscaling_group_name
}

output "instance_target_tags" {
  description = "The tags that select this stack's instances for SSM commands."
  value       = module.stack.instance_target_tags
}

output "credential_parameter" {
  description = "Put the download credential here once: aws ssm put-parameter --overwrite --type SecureString."
  value       = module.stack.credential_parameter
}

output "mysql_endpoint" {
  description = "The back office MySQL (null without one)."
  value       = module.stack.mysql_endpoint
}

output "autoupdate_document" {
  description = "The Run Command document that runs the autoupdater (the pipeline's SSM step sends it)."
  value       = module.stack.autoupdate_document
}

output "autoupdate_function_name" {
  description = "Run the autoupdater on demand: aws lambda invoke --function-name <this> --payload '{}' out.json."
  value       = module.stack.autoupdate_function_name
}
