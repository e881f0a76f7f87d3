variable "name" {
  description = "Name of the instance, its proxy and everything they need."
  type        = string
}

variable "vpc_id" {
  description = "The VPC."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets (at least two zones) for the instance and the proxy."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "subnet_ids must name at least two subnets (RDS needs two zones)."
  }
}

variable "client_security_group_ids" {
  description = "Security groups allowed to reach the proxy, by a name known at plan (lambda = sg-...)."
  type        = map(string)
}

variable "migrator_security_group_ids" {
  description = "Security groups allowed to reach the instance directly to run migrations (CI runners in the VPC), by name."
  type        = map(string)
  default     = {}
}

variable "engine_major_version" {
  description = "PostgreSQL major version."
  type        = string
  default     = "16"
}

variable "instance_class" {
  description = "Instance class."
  type        = string
  default     = "db.t4g.medium"
}

variable "allocated_storage_gb" {
  description = "Initial storage; autoscaling grows it to four times this."
  type        = number
  default     = 20
}

variable "database_name" {
  description = "The database the API uses."
  type        = string
}

variable "master_username" {
  description = "The master user (its password is RDS-managed in Secrets Manager)."
  type        = string
  default     = "pmp_admin"
}

variable "multi_az" {
  description = "A standby in a second zone (prod)."
  type        = bool
  default     = true
}

variable "backup_retention_days" {
  description = "Days of automated backups (point-in-time recovery window)."
  type        = number
  default     = 14

  validation {
    condition     = var.backup_retention_days >= 7
    error_message = "backup_retention_days must be at least 7."
  }
}

variable "deletion_protection" {
  description = "Refuse deletion of the instance."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
