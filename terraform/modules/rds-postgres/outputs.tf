output "proxy_endpoint" {
  description = "Where the API connects (TLS, IAM authentication)."
  value       = aws_db_proxy.this.endpoint
}

output "proxy_resource_id" {
  description = "The proxy's resource id, for rds-db:connect ARNs (arn:aws:rds-db:<region>:<account>:dbuser:<id>/<user>)."
  value       = element(split(":", aws_db_proxy.this.arn), 6)
}

output "instance_endpoint" {
  description = "The instance's address, for migrations from inside the VPC."
  value       = aws_db_instance.this.address
}

output "instance_identifier" {
  description = "The instance's identifier (alarms, snapshots)."
  value       = aws_db_instance.this.identifier
}

output "master_secret_arn" {
  description = "The RDS-managed secret of the master user (rotated by RDS)."
  value       = aws_db_instance.this.master_user_secret[0].secret_arn
}

output "kms_key_arn" {
  description = "The key of the storage and the secret: readers of the secret need kms:Decrypt on it."
  value       = aws_kms_key.this.arn
}

output "proxy_security_group_id" {
  description = "The proxy's security group."
  value       = aws_security_group.proxy.id
}

output "client_names" {
  description = "The names of the security groups allowed to reach the proxy."
  value       = keys(var.client_security_group_ids)
}

output "instance_arn" {
  description = "The database instance's ARN (what AWS Backup selects)."
  value       = aws_db_instance.this.arn
}
