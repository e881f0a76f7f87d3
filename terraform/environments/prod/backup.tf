# Daily backups of the environment's databases (the orders DocumentDB, pmp-api's PostgreSQL),
# each copied to the disaster-recovery region and kept there under a vault lock
# (docs/disaster-recovery.md).
module "backup" {
  source = "../../modules/backup"
  providers = {
    aws      = aws
    aws.copy = aws.dr
  }

  name                = "${local.name}-databases"
  resource_arns       = [module.database.cluster_arn, module.pmp_database.instance_arn]
  retention_days      = max(7, var.db_backup_retention_days)
  copy_retention_days = max(7, var.db_backup_retention_days)
}
