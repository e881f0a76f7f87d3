# The back office's MySQL (the seed's second extra): private subnets, reachable from the instances'
# security group only, encrypted, its master password managed by RDS in Secrets Manager.
resource "aws_security_group" "database" {
  count = var.mysql == null ? 0 : 1

  name        = "${local.name}-mysql"
  description = "${local.name} MySQL: from the instances only"
  vpc_id      = data.aws_vpc.this.id

  tags = { Name = "${local.name}-mysql" }
}

resource "aws_vpc_security_group_ingress_rule" "database_from_instances" {
  count = var.mysql == null ? 0 : 1

  security_group_id            = aws_security_group.database[0].id
  description                  = "MySQL from the instances"
  referenced_security_group_id = aws_security_group.instances.id
  ip_protocol                  = "tcp"
  from_port                    = 3306
  to_port                      = 3306
}

resource "aws_vpc_security_group_egress_rule" "instances_to_database" {
  count = var.mysql == null ? 0 : 1

  security_group_id            = aws_security_group.instances.id
  description                  = "MySQL to the back office database"
  referenced_security_group_id = aws_security_group.database[0].id
  ip_protocol                  = "tcp"
  from_port                    = 3306
  to_port                      = 3306
}

resource "aws_db_subnet_group" "this" {
  count = var.mysql == null ? 0 : 1

  name       = "${local.name}-mysql"
  subnet_ids = data.aws_subnets.private.ids
}

resource "aws_db_instance" "mysql" {
  #checkov:skip=CKV_AWS_118:Enhanced monitoring needs a monitoring role; CloudWatch's RDS metrics cover the back office.
  #checkov:skip=CKV_AWS_161:The back office signs in with the managed password; IAM authentication is not asked for.
  #checkov:skip=CKV2_AWS_30:Query logging is exported through enabled_cloudwatch_logs_exports (slow query log).
  #checkov:skip=CKV_AWS_354:Performance Insights is encrypted with the AWS managed key.
  count = var.mysql == null ? 0 : 1

  identifier                      = "${local.name}-mysql"
  engine                          = "mysql"
  engine_version                  = var.mysql.engine_version
  instance_class                  = var.mysql.instance_class
  allocated_storage               = var.mysql.storage_gb
  storage_type                    = "gp3"
  storage_encrypted               = true
  db_name                         = "backoffice"
  username                        = "backoffice_admin"
  manage_master_user_password     = true
  db_subnet_group_name            = aws_db_subnet_group.this[0].name
  vpc_security_group_ids          = [aws_security_group.database[0].id]
  publicly_accessible             = false
  multi_az                        = var.environment == "prod"
  backup_retention_period         = 7
  copy_tags_to_snapshot           = true
  deletion_protection             = local.deletion_protection
  skip_final_snapshot             = var.environment != "prod"
  final_snapshot_identifier       = "${local.name}-mysql-final"
  auto_minor_version_upgrade      = true
  performance_insights_enabled    = true
  enabled_cloudwatch_logs_exports = ["error", "slowquery"]
}
