output "bucket" {
  description = "The bucket's name."
  value       = aws_s3_bucket.this.id
}

output "arn" {
  description = "The bucket's ARN (objects: \"<arn>/*\")."
  value       = aws_s3_bucket.this.arn
}

output "kms_key_arn" {
  description = "The key the objects are encrypted with: readers need kms:Decrypt on it."
  value       = aws_kms_key.this.arn
}
