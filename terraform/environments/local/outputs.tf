output "vpc_id" {
  description = "ID of the emulated VPC."
  value       = module.network.vpc_id
}

output "ecr_repository_urls" {
  description = "Emulated ECR repository URL by name."
  value       = module.ecr.repository_urls
}

output "ci_deploy_role_arn" {
  description = "Emulated CI deploy role."
  value       = module.ci_deploy.role_arn
}

output "alarm_topic_arn" {
  description = "Emulated alarm topic."
  value       = module.observability.topic_arn
}

output "app_log_group_arns" {
  description = "Emulated application log groups."
  value       = module.observability.log_group_arns
}

output "data_api_table_name" {
  description = "data-api's DynamoDB table on the emulator."
  value       = module.data_api_table.table_name
}

output "pmp_notices_bucket" {
  description = "Seed 004's consent notices (apps/pmp-api NOTICES_BUCKET)."
  value       = module.pmp_notices.bucket
}
