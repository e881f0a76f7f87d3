output "vault_arn" {
  description = "The vault in this region."
  value       = aws_backup_vault.this.arn
}

output "copy_vault_arn" {
  description = "The vault in the disaster-recovery region that receives every copy."
  value       = aws_backup_vault.copy.arn
}

output "plan_id" {
  description = "The backup plan."
  value       = aws_backup_plan.this.id
}
