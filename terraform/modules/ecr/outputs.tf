output "repository_urls" {
  description = "Repository URL by name (<account>.dkr.ecr.<region>.amazonaws.com/<name>): the charts' image.registry + image.repository."
  value       = { for name, repo in aws_ecr_repository.this : name => repo.repository_url }
}

output "repository_arns" {
  description = "Repository ARN by name: the CI role may push only to these."
  value       = { for name, repo in aws_ecr_repository.this : name => repo.arn }
}

output "registry_id" {
  description = "Registry (account) ID holding the repositories."
  value       = one(distinct([for repo in aws_ecr_repository.this : repo.registry_id]))
}
