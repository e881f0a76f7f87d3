output "state_bucket" {
  description = "The bucket to name in the environments' backend blocks."
  value       = module.state.bucket
}

output "state_kms_key_arn" {
  description = "KMS key of the state bucket."
  value       = module.state.kms_key_arn
}
