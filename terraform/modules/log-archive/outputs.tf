output "bucket" {
  description = "The archive bucket (Athena and restores read it)."
  value       = aws_s3_bucket.this.bucket
}

output "kms_key_arn" {
  description = "Key of the archive's objects (readers need kms:Decrypt on it)."
  value       = aws_kms_key.this.arn
}

output "stream_arn" {
  description = "Firehose stream more log groups can subscribe to."
  value       = aws_kinesis_firehose_delivery_stream.this.arn
}

output "subscribed_log_groups" {
  description = "The log groups streaming into the archive."
  value       = [for f in aws_cloudwatch_log_subscription_filter.this : f.log_group_name]
}
