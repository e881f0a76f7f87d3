variable "name" {
  description = "The canary's name and prefix of its role and bucket (e.g. kit-prod-orders)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{1,40}$", var.name))
    error_message = "name must be 2-41 lowercase letters, digits or hyphens (it names an S3 bucket too)."
  }
}

variable "order_api_url" {
  description = "The public order API's origin, e.g. https://node-app.kit.example.com (no path)."
  type        = string

  validation {
    condition     = can(regex("^https://[^/]+$", var.order_api_url))
    error_message = "order_api_url must be an https:// origin with no path, e.g. https://node-app.kit.example.com."
  }
}

variable "zip_file" {
  description = "The package apps/order-canary/package.py makes (committed: apps/order-canary/order-canary.zip)."
  type        = string
}

variable "runtime_version" {
  description = "A Synthetics Node.js runtime (Puppeteer; the script opens no browser)."
  type        = string
  default     = "syn-nodejs-puppeteer-15.0"

  validation {
    condition     = startswith(var.runtime_version, "syn-nodejs-")
    error_message = "runtime_version must be a Synthetics Node.js runtime (syn-nodejs-...): the script is JavaScript."
  }
}

variable "every_minutes" {
  description = "Minutes between runs."
  type        = number
  default     = 5

  validation {
    condition     = var.every_minutes >= 1 && var.every_minutes <= 60 && floor(var.every_minutes) == var.every_minutes
    error_message = "every_minutes must be a whole number from 1 to 60."
  }
}

variable "runbook" {
  description = "The runbook the page links to."
  type        = string
  default     = "docs/runbooks.md#the-order-canary-failed-alarm-env-orders-canary"
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}
