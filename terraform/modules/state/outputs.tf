output "bucket" {
  description = "Name of the state bucket (the environments' backend \"s3\" bucket)."
  value       = aws_s3_bucket.this.id
}

output "bucket_arn" {
  description = "ARN of the state bucket."
  value       = aws_s3_bucket.this.arn
}

output "kms_key_arn" {
  description = "KMS key encrypting the state (CI roles that read state need kms:Decrypt on it)."
  value       = aws_kms_key.this.arn
}
