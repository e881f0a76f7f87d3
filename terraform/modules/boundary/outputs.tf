output "policy_arn" {
  description = "ARN of the boundary (the roles' permissions_boundary). Computed from the name, so it is known at plan time; depends on the policy, so roles are created after it."
  value       = local.policy_arn

  depends_on = [aws_iam_policy.this]
}

output "policy" {
  description = "The boundary's policy document (JSON)."
  value       = local.policy
}
