output "instance_id" {
  description = "The host: aws ssm start-session --target <this> (docs/runbooks.md)."
  value       = aws_instance.host.id
}

output "security_group_id" {
  description = "The host's security group: let it in on each database's security group."
  value       = aws_security_group.host.id
}

output "session_policy_arn" {
  description = "Attach to the team's role to allow port forwarding through the host."
  value       = aws_iam_policy.session.arn
}
