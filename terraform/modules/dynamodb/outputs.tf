output "table_name" {
  description = "The table's name (the service's DYNAMODB_TABLE)."
  value       = aws_dynamodb_table.this.name
}

output "table_arn" {
  description = "The table's ARN, for the task role's policy (items only: arn and arn/index/*)."
  value       = aws_dynamodb_table.this.arn
}
