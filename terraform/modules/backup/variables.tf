variable "name" {
  description = "Names the vaults, the plan and the role (e.g. kit-prod-databases)."
  type        = string
}

variable "resource_arns" {
  description = "What to back up: the ARNs of the database clusters (DocumentDB, RDS) of this environment."
  type        = list(string)

  validation {
    condition     = length(var.resource_arns) > 0
    error_message = "resource_arns must name at least one resource: a backup plan of nothing protects nothing."
  }
}

variable "schedule" {
  description = "When the daily backup starts (AWS cron, UTC)."
  type        = string
  default     = "cron(0 3 * * ? *)"
}

variable "retention_days" {
  description = "How long a recovery point is kept in this region."
  type        = number
  default     = 35

  validation {
    condition     = var.retention_days >= 7
    error_message = "retention_days must be at least 7."
  }
}

variable "copy_retention_days" {
  description = "How long its copy is kept in the disaster-recovery region (at least retention_days)."
  type        = number
  default     = 35

  validation {
    condition     = var.copy_retention_days >= 7
    error_message = "copy_retention_days must be at least 7."
  }
}

variable "lock_changeable_for_days" {
  description = "null: the vault lock is in governance mode (users with backup:DeleteBackupVaultLockConfiguration can remove it). A number (3 or more): compliance mode after that many days, immutable for good."
  type        = number
  default     = null
}
