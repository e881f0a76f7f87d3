mock_provider "aws" {
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
  }
  mock_resource "aws_kms_key" {
    defaults = { arn = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/kit-prod-databases-backup" }
  }
}

mock_provider "aws" {
  alias = "copy"
  mock_resource "aws_kms_key" {
    defaults = { arn = "arn:aws:kms:eu-central-1:123456789012:key/11111111-2222-3333-4444-666666666666" }
  }
  mock_resource "aws_backup_vault" {
    defaults = { arn = "arn:aws:backup:eu-central-1:123456789012:backup-vault:kit-prod-databases-copy" }
  }
}

variables {
  name          = "kit-prod-databases"
  resource_arns = ["arn:aws:rds:eu-west-1:123456789012:cluster:kit-prod-orders"]
}

run "a_daily_backup_is_copied_to_the_other_region" {
  command = apply

  assert {
    condition     = one(one(aws_backup_plan.this.rule).copy_action).destination_vault_arn == aws_backup_vault.copy.arn
    error_message = "Every recovery point is copied to the disaster-recovery region's vault."
  }

  assert {
    condition     = one(aws_backup_plan.this.rule).lifecycle[0].delete_after == 35 && one(one(aws_backup_plan.this.rule).copy_action).lifecycle[0].delete_after == 35
    error_message = "Both are kept 35 days by default."
  }

  assert {
    condition     = aws_backup_selection.this.resources == toset(["arn:aws:rds:eu-west-1:123456789012:cluster:kit-prod-orders"])
    error_message = "The selection names the database."
  }
}

run "vaults_are_encrypted_with_their_own_keys_and_locked" {
  command = plan

  assert {
    condition     = aws_kms_key.vault.enable_key_rotation && aws_kms_key.copy.enable_key_rotation
    error_message = "Each vault has its own rotated key."
  }

  assert {
    condition     = aws_backup_vault_lock_configuration.this.min_retention_days == 35 && aws_backup_vault_lock_configuration.copy.min_retention_days == 35
    error_message = "A recovery point cannot be deleted before its retention."
  }
}

run "refuses_an_empty_selection" {
  command = plan

  variables {
    resource_arns = []
  }

  expect_failures = [var.resource_arns]
}
