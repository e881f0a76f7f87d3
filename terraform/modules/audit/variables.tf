variable "name" {
  description = "Name prefix, e.g. kit-prod: the trail <name>-audit and its bucket <name>-cloudtrail-<account>."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,40}$", var.name))
    error_message = "name must be lowercase letters, digits and dashes, starting with a letter."
  }
}

variable "data_event_bucket_arns" {
  description = "Buckets whose object reads and writes the trail records (S3 data events), e.g. the Terraform state bucket."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for arn in var.data_event_bucket_arns : can(regex("^arn:[a-z-]+:s3:::[a-z0-9.-]+$", arn))])
    error_message = "data_event_bucket_arns must be bucket ARNs such as arn:aws:s3:::kit-terraform-state (no key or trailing slash)."
  }
}

variable "retention_days" {
  description = "Days trail files are kept in the bucket (PCI DSS 10.5.1: a year or more)."
  type        = number
  default     = 400

  validation {
    condition     = var.retention_days >= 90
    error_message = "retention_days must be at least 90: an audit trail kept for less cannot answer an incident found late."
  }
}

variable "log_group_retention_days" {
  description = "Days the CloudWatch Logs copy is kept (for alarms and queries); a retention CloudWatch Logs accepts."
  type        = number
  default     = 365

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_group_retention_days)
    error_message = "log_group_retention_days must be a retention period CloudWatch Logs accepts."
  }
}

variable "permissions_boundary_arn" {
  description = "Permissions boundary of the role CloudTrail uses to write to CloudWatch Logs (the environment's boundary)."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags on every resource (the provider's default_tags add Environment, Project, ManagedBy)."
  type        = map(string)
  default     = {}
}
