output "function_name" {
  description = "The function serverless deploys."
  value       = local.function_name
}

output "lambda_role_arn" {
  description = "The function's role."
  value       = aws_iam_role.lambda.arn
}

output "lambda_security_group_id" {
  description = "The function's security group (a client of the database proxy)."
  value       = aws_security_group.lambda.id
}

output "deployer_user_name" {
  description = "The IAM user GitLab deploys with (make its access key with the CLI)."
  value       = aws_iam_user.deployer.name
}

output "deployer_policy" {
  description = "The deployer's policy document (kit/test checks it denies what serverless deploy does not need)."
  value       = local.deployer_policy
}

output "ssm_prefix" {
  description = "Where serverless.yml's parameters are."
  value       = local.ssm_prefix
}

output "api_domain_name" {
  description = "The API's custom domain."
  value       = aws_apigatewayv2_domain_name.this.domain_name
}

output "alarms" {
  description = "Alarms on the function in the shape of module observability's `alarms`."
  value       = local.alarms
}

output "dns_records" {
  description = "The public name's failover records: type => [name, failover role, alias target]."
  value       = module.dns.records
}
