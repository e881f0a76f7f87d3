output "trail_arn" {
  description = "The CloudTrail trail."
  value       = aws_cloudtrail.this.arn
}

output "bucket" {
  description = "Bucket holding the trail files (encrypted with key_arn, validated by digest files)."
  value       = aws_s3_bucket.trail.id
}

output "log_group_name" {
  description = "CloudWatch Logs copy of the trail, for metric filters and alarms."
  value       = aws_cloudwatch_log_group.trail.name
}

output "key_arn" {
  description = "KMS key encrypting the trail files and the log group."
  value       = aws_kms_key.trail.arn
}

output "trail_data_events" {
  description = "The trail's event selector (what it records beyond management events)."
  value       = one(aws_cloudtrail.this.event_selector)
}
