variable "name" {
  description = "Name prefix of the topic and alarms, e.g. kit-prod."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,200}$", var.name))
    error_message = "name must hold only letters, digits, dashes and underscores."
  }
}

variable "alarm_emails" {
  description = "E-mail addresses subscribed to the alarm topic (each must confirm). Pager integrations subscribe to the topic too."
  type        = set(string)
  default     = []

  validation {
    condition     = alltrue([for e in var.alarm_emails : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", e))])
    error_message = "alarm_emails must be e-mail addresses."
  }
}

variable "log_groups" {
  description = "CloudWatch log groups by name with their retention in days (application logs kept as long as compliance asks, e.g. 365+ for PCI access logs)."
  type        = map(number)
  default     = {}

  validation {
    condition     = alltrue([for d in values(var.log_groups) : contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], d)])
    error_message = "Each retention must be a period CloudWatch Logs accepts (1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288 or 3653)."
  }
}

variable "alarms" {
  description = "CloudWatch metric alarms by name. Each notifies the topic when it fires and when it recovers."
  type = map(object({
    description        = string
    namespace          = string
    metric_name        = string
    dimensions         = map(string)
    statistic          = optional(string, "Average")
    extended_statistic = optional(string) # a percentile, e.g. p99; replaces statistic
    # page: customers are hurt, wake the on-call (the alarm topic); ticket: a cause to look at in
    # working hours (the tickets topic).
    severity = optional(string, "page")
    # What to do: a link into docs/runbooks.md (or the team's runbook site), put in the description.
    runbook             = optional(string)
    period              = optional(number, 60)
    evaluation_periods  = optional(number, 5)
    datapoints_to_alarm = optional(number)
    threshold           = number
    comparison_operator = string
    treat_missing_data  = optional(string, "missing")
  }))
  default = {}

  validation {
    condition = alltrue([for a in values(var.alarms) : contains([
      "GreaterThanOrEqualToThreshold", "GreaterThanThreshold", "LessThanThreshold", "LessThanOrEqualToThreshold",
    ], a.comparison_operator)])
    error_message = "comparison_operator must be GreaterThanOrEqualToThreshold, GreaterThanThreshold, LessThanThreshold or LessThanOrEqualToThreshold."
  }

  validation {
    condition     = alltrue([for a in values(var.alarms) : contains(["page", "ticket"], a.severity)])
    error_message = "severity must be page (wakes the on-call) or ticket (working hours)."
  }

  validation {
    condition     = alltrue([for a in values(var.alarms) : contains(["missing", "ignore", "breaching", "notBreaching"], a.treat_missing_data)])
    error_message = "treat_missing_data must be missing, ignore, breaching or notBreaching."
  }
}

variable "kms_key_arn" {
  description = "KMS key ARN for the log groups; null uses CloudWatch Logs' own encryption."
  type        = string
  default     = null
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}

variable "pager_https_endpoint" {
  description = "HTTPS endpoint of the paging service's SNS integration (PagerDuty, Opsgenie): it receives every page-severity alarm and owns the rota and escalation. null: e-mail only."
  type        = string
  default     = null
  sensitive   = true

  validation {
    condition     = var.pager_https_endpoint == null || startswith(coalesce(var.pager_https_endpoint, "-"), "https://")
    error_message = "pager_https_endpoint must be an https:// URL."
  }
}

variable "ticket_emails" {
  description = "E-mail addresses (a ticket queue) subscribed to ticket-severity alarms."
  type        = set(string)
  default     = []
}
