variable "name" {
  description = "Name prefix, e.g. kit-prod; the bucket is <name>-log-archive-<account>."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{1,40}$", var.name))
    error_message = "name must be 2 to 41 lowercase letters, digits and dashes (it becomes part of a bucket name)."
  }
}

variable "retention_years" {
  description = "Years every object is locked in compliance mode: nobody, the account root included, can delete it or shorten this before it ends. PCI DSS 10.5.1 asks for at least one year; set what the auditor signs."
  type        = number
  default     = 1

  validation {
    condition     = var.retention_years >= 1 && var.retention_years <= 100
    error_message = "retention_years must be 1 to 100."
  }
}

variable "glacier_after_days" {
  description = "Days after which objects move to Glacier Flexible Retrieval (PCI: three months at hand, the rest restorable)."
  type        = number
  default     = 90
}

variable "log_groups" {
  description = "CloudWatch log groups whose events are copied into the archive (application access logs, WAF logs), by name."
  type        = set(string)
  default     = []
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
