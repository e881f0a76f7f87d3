variable "name" {
  description = "Name prefix, e.g. kit-prod: the web ACL <name>-apps and the access log bucket <name>-alb-access-logs-<account>."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,40}$", var.name))
    error_message = "name must be lowercase letters, digits and dashes, starting with a letter."
  }
}

variable "domain_name" {
  description = "Host name the certificate covers, e.g. kit.example.com (validated by DNS: create the records in output certificate_validation_records)."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,}$", var.domain_name))
    error_message = "domain_name must be a DNS name such as kit.example.com."
  }
}

variable "subject_alternative_names" {
  description = "Further names on the certificate, e.g. [\"*.kit.example.com\"] for one host per app."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for n in var.subject_alternative_names : !strcontains(n, "*")])
    error_message = "subject_alternative_names must name hosts, not wildcards."
  }
}

variable "rate_limit_per_5_minutes" {
  description = "Requests one client IP may send in any 5 minutes before the web ACL blocks it (rate-based rule)."
  type        = number
  default     = 2000

  validation {
    condition     = var.rate_limit_per_5_minutes >= 100 && var.rate_limit_per_5_minutes <= 2000000000
    error_message = "rate_limit_per_5_minutes must be between 100 and 2,000,000,000 (WAF's bounds)."
  }
}

variable "access_log_retention_days" {
  description = "Days ALB access logs and WAF logs are kept (PCI DSS 10.5.1: a year or more in prod); WAF logs take the nearest CloudWatch Logs retention (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, ...)."
  type        = number
  default     = 400

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.access_log_retention_days)
    error_message = "access_log_retention_days must be a retention period CloudWatch Logs accepts (the WAF logs use it too)."
  }
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
