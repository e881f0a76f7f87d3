output "role_arn" {
  description = "ARN of the role: the workflow's aws-actions/configure-aws-credentials role-to-assume."
  value       = aws_iam_role.this.arn
}

output "role_name" {
  description = "Name of the role."
  value       = aws_iam_role.this.name
}

output "oidc_provider_arn" {
  description = "ARN of the GitHub Actions OIDC provider the role trusts (pass it to other roles in the account)."
  value       = local.oidc_provider_arn
}

output "policy" {
  description = "The role's inline policy document (JSON)."
  value       = local.policy
}
