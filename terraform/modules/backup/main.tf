# AWS Backup of the environment's databases, with every recovery point copied to the
# disaster-recovery region (docs/disaster-recovery.md): a daily backup kept retention_days in this
# region, and its copy kept copy_retention_days in the other, each vault under its own KMS key and
# locked so a recovery point cannot be deleted before its time, even by an administrator of this
# account (vault lock in governance mode until changeable_for_days is set).

data "aws_partition" "current" {}

resource "aws_kms_key" "vault" {
  #checkov:skip=CKV2_AWS_64:The default key policy delegates to IAM in this account; AWS Backup uses it through its service role.
  description             = "Encrypts ${var.name}'s backups"
  enable_key_rotation     = true
  deletion_window_in_days = 30
}

resource "aws_kms_key" "copy" {
  #checkov:skip=CKV2_AWS_64:The default key policy delegates to IAM in this account; AWS Backup uses it through its service role.
  provider                = aws.copy
  description             = "Encrypts ${var.name}'s backup copies"
  enable_key_rotation     = true
  deletion_window_in_days = 30
}

resource "aws_backup_vault" "this" {
  name        = var.name
  kms_key_arn = aws_kms_key.vault.arn
}

resource "aws_backup_vault" "copy" {
  provider    = aws.copy
  name        = "${var.name}-copy"
  kms_key_arn = aws_kms_key.copy.arn
}

resource "aws_backup_vault_lock_configuration" "this" {
  backup_vault_name   = aws_backup_vault.this.name
  min_retention_days  = var.retention_days
  max_retention_days  = var.retention_days
  changeable_for_days = var.lock_changeable_for_days
}

resource "aws_backup_vault_lock_configuration" "copy" {
  provider            = aws.copy
  backup_vault_name   = aws_backup_vault.copy.name
  min_retention_days  = var.copy_retention_days
  max_retention_days  = var.copy_retention_days
  changeable_for_days = var.lock_changeable_for_days
}

data "aws_iam_policy_document" "assume_backup" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["backup.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "backup" {
  name               = "${var.name}-backup"
  assume_role_policy = data.aws_iam_policy_document.assume_backup.json
}

resource "aws_iam_role_policy_attachment" "backup" {
  for_each = toset(["AWSBackupServiceRolePolicyForBackup", "AWSBackupServiceRolePolicyForRestores"])

  role       = aws_iam_role.backup.name
  policy_arn = "arn:${data.aws_partition.current.partition}:iam::aws:policy/service-role/${each.key}"
}

resource "aws_backup_plan" "this" {
  name = var.name

  rule {
    rule_name         = "daily-with-copy"
    target_vault_name = aws_backup_vault.this.name
    schedule          = var.schedule
    start_window      = 60
    completion_window = 360

    lifecycle {
      delete_after = var.retention_days
    }

    copy_action {
      destination_vault_arn = aws_backup_vault.copy.arn
      lifecycle {
        delete_after = var.copy_retention_days
      }
    }
  }
}

resource "aws_backup_selection" "this" {
  name         = var.name
  plan_id      = aws_backup_plan.this.id
  iam_role_arn = aws_iam_role.backup.arn
  resources    = var.resource_arns
}
