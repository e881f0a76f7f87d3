variable "name" {
  description = "Name of the DocumentDB cluster and its companions, e.g. kit-prod-orders."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{0,61}$", var.name)) && !endswith(var.name, "-") && !strcontains(var.name, "--")
    error_message = "name must start with a letter, hold up to 62 lowercase letters, digits or single dashes, and not end with a dash (DocumentDB's rule)."
  }
}

variable "vpc_id" {
  description = "VPC of the database (network module output vpc_id)."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets of the instances, in at least two zones (network module output private_subnet_ids)."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "DocumentDB needs subnets in at least two availability zones."
  }
}

variable "allowed_security_group_ids" {
  description = "Security groups allowed to connect on the database port: the EKS nodes' (eks module output node_security_group_id). Nothing else can reach the database."
  type        = map(string)
}

variable "engine_version" {
  description = "DocumentDB engine version (MongoDB API compatibility)."
  type        = string
  default     = "5.0.0"

  validation {
    condition     = contains(["4.0.0", "5.0.0", "8.0.0"], var.engine_version)
    error_message = "engine_version must be 4.0.0, 5.0.0 or 8.0.0."
  }
}

variable "instance_class" {
  description = "Instance class of every instance, e.g. db.t4g.medium (dev) or db.r6g.large (prod)."
  type        = string
  default     = "db.t4g.medium"

  validation {
    condition     = startswith(var.instance_class, "db.")
    error_message = "instance_class must be a DocumentDB instance class such as db.r6g.large."
  }
}

variable "instance_count" {
  description = "Instances: one primary plus replicas in other zones. Two or more give automatic failover."
  type        = number
  default     = 3

  validation {
    condition     = var.instance_count >= 1 && var.instance_count <= 16
    error_message = "instance_count must be between 1 and 16."
  }
}

variable "master_username" {
  description = "Administrator user name. Its password is generated and rotated by AWS in Secrets Manager (manage_master_user_password), never in Terraform state."
  type        = string
  default     = "kitadmin"

  validation {
    condition     = can(regex("^[a-zA-Z][a-zA-Z0-9]{0,62}$", var.master_username))
    error_message = "master_username must start with a letter and hold up to 63 letters or digits."
  }
}

variable "database_name" {
  description = "Database the apps use (written into the connection settings parameter)."
  type        = string
  default     = "orders"
}

variable "backup_retention_days" {
  description = "Days of automated backups (point-in-time restore window): the RPO floor is about 5 minutes within it."
  type        = number
  default     = 14

  validation {
    condition     = var.backup_retention_days >= 1 && var.backup_retention_days <= 35
    error_message = "backup_retention_days must be between 1 and 35."
  }
}

variable "preferred_backup_window" {
  description = "Daily UTC window of automated snapshots (hh24:mi-hh24:mi), outside peak traffic."
  type        = string
  default     = "02:00-03:00"

  validation {
    condition     = can(regex("^([01][0-9]|2[0-3]):[0-5][0-9]-([01][0-9]|2[0-3]):[0-5][0-9]$", var.preferred_backup_window))
    error_message = "preferred_backup_window must look like 02:00-03:00."
  }
}

variable "preferred_maintenance_window" {
  description = "Weekly UTC maintenance window (ddd:hh24:mi-ddd:hh24:mi), not overlapping the backup window."
  type        = string
  default     = "sun:04:00-sun:05:00"
}

variable "deletion_protection" {
  description = "Refuse to delete the cluster (true for prod)."
  type        = bool
  default     = true
}

variable "log_retention_days" {
  description = "Days the audit and profiler logs are kept in CloudWatch Logs."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a retention period CloudWatch Logs accepts."
  }
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
