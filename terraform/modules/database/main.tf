locals {
  port = 27017
}

resource "aws_kms_key" "this" {
  #checkov:skip=CKV2_AWS_64:The default key policy delegates to IAM in this account; DocumentDB uses the key through its service-linked grant.
  description             = "Encryption at rest of DocumentDB cluster ${var.name}, its snapshots and its secret"
  enable_key_rotation     = true
  deletion_window_in_days = 30

  tags = var.tags
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.name}-docdb"
  target_key_id = aws_kms_key.this.key_id
}

resource "aws_docdb_subnet_group" "this" {
  name        = var.name
  description = "Private subnets of ${var.name}"
  subnet_ids  = var.subnet_ids

  tags = var.tags
}

resource "aws_security_group" "this" {
  name        = "${var.name}-docdb"
  description = "DocumentDB ${var.name}: MongoDB protocol from the EKS nodes only"
  vpc_id      = var.vpc_id

  tags = merge(var.tags, { Name = "${var.name}-docdb" })
}

resource "aws_vpc_security_group_ingress_rule" "this" {
  for_each = var.allowed_security_group_ids

  security_group_id            = aws_security_group.this.id
  description                  = "MongoDB protocol from ${each.key}"
  ip_protocol                  = "tcp"
  from_port                    = local.port
  to_port                      = local.port
  referenced_security_group_id = each.value
}

resource "aws_docdb_cluster_parameter_group" "this" {
  name        = var.name
  family      = "docdb${join(".", slice(split(".", var.engine_version), 0, 2))}"
  description = "TLS required, audit and profiler logs on, for ${var.name}"

  parameter {
    name  = "tls"
    value = "enabled"
  }

  parameter {
    name  = "audit_logs"
    value = "enabled"
  }

  parameter {
    name  = "profiler"
    value = "enabled"
  }

  parameter {
    name  = "profiler_threshold_ms"
    value = "200"
  }

  tags = var.tags
}

# Created before the cluster so their retention applies from the first log line.
# trivy: AWS-0017 (log group CMK) accepted for the reason of checkov's CKV_AWS_158 below.
#trivy:ignore:AVD-AWS-0017
resource "aws_cloudwatch_log_group" "this" {
  #checkov:skip=CKV_AWS_158:CloudWatch Logs encrypts at rest with its own key; a customer-managed key would need a key policy for the logs service principal.
  for_each = toset(["audit", "profiler"])

  name              = "/aws/docdb/${var.name}/${each.key}"
  retention_in_days = var.log_retention_days

  tags = var.tags
}

resource "aws_docdb_cluster" "this" {
  cluster_identifier              = var.name
  engine                          = "docdb"
  engine_version                  = var.engine_version
  master_username                 = var.master_username
  manage_master_user_password     = true
  port                            = local.port
  db_subnet_group_name            = aws_docdb_subnet_group.this.name
  db_cluster_parameter_group_name = aws_docdb_cluster_parameter_group.this.name
  vpc_security_group_ids          = [aws_security_group.this.id]

  storage_encrypted = true
  kms_key_id        = aws_kms_key.this.arn

  backup_retention_period      = var.backup_retention_days
  preferred_backup_window      = var.preferred_backup_window
  preferred_maintenance_window = var.preferred_maintenance_window
  deletion_protection          = var.deletion_protection
  skip_final_snapshot          = false
  final_snapshot_identifier    = "${var.name}-final"
  apply_immediately            = false

  enabled_cloudwatch_logs_exports = ["audit", "profiler"]

  tags = var.tags

  depends_on = [aws_cloudwatch_log_group.this]
}

resource "aws_docdb_cluster_instance" "this" {
  count = var.instance_count

  identifier                 = "${var.name}-${count.index + 1}"
  cluster_identifier         = aws_docdb_cluster.this.id
  instance_class             = var.instance_class
  auto_minor_version_upgrade = true
  ca_cert_identifier         = "rds-ca-rsa2048-g1"
  promotion_tier             = count.index

  tags = var.tags
}

# Connection settings without credentials, for the CD pipeline to build MONGODB_URL from together with
# the managed master secret (or an app user's secret).
resource "aws_ssm_parameter" "this" {
  #checkov:skip=CKV2_AWS_34:Holds no secret (host, port, database, driver options); credentials stay in the AWS-managed Secrets Manager secret.
  name        = "/${var.name}/mongodb-connection"
  description = "DocumentDB ${var.name}: host, port, database and driver options (no credentials)"
  type        = "String"
  value = jsonencode({
    host       = aws_docdb_cluster.this.endpoint
    readerHost = aws_docdb_cluster.this.reader_endpoint
    port       = local.port
    database   = var.database_name
    options    = "tls=true&tlsCAFile=/etc/ssl/database/global-bundle.pem&replicaSet=rs0&readPreference=secondaryPreferred&retryWrites=false"
  })

  tags = var.tags
}
