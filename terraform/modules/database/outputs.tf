output "cluster_id" {
  description = "Identifier of the DocumentDB cluster (for snapshots and restores)."
  value       = aws_docdb_cluster.this.id
}

output "endpoint" {
  description = "Writer endpoint."
  value       = aws_docdb_cluster.this.endpoint
}

output "reader_endpoint" {
  description = "Reader endpoint (load-balanced over replicas)."
  value       = aws_docdb_cluster.this.reader_endpoint
}

output "port" {
  description = "Port of the MongoDB protocol."
  value       = local.port
}

output "master_user_secret_arn" {
  description = "ARN of the Secrets Manager secret AWS manages (and rotates) for the master user's password."
  value       = aws_docdb_cluster.this.master_user_secret[0].secret_arn
}

output "connection_parameter_name" {
  description = "SSM parameter holding host, port, database and driver options (no credentials)."
  value       = aws_ssm_parameter.this.name
}

output "security_group_id" {
  description = "Security group of the database."
  value       = aws_security_group.this.id
}

output "kms_key_arn" {
  description = "KMS key encrypting the cluster and its snapshots (needed to restore or copy them)."
  value       = aws_kms_key.this.arn
}

output "cluster_arn" {
  description = "The cluster's ARN (what AWS Backup selects)."
  value       = aws_docdb_cluster.this.arn
}
