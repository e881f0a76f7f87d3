variable "name" {
  description = "Prefix of the health checks' Name tags (e.g. kit-prod)."
  type        = string
}

variable "checks" {
  description = "The public endpoints to check, by name: host name and path (each app's readiness, e.g. go-app = { fqdn = \"go-app.example.com\", path = \"/readyz\" })."
  type = map(object({
    fqdn = string
    path = optional(string, "/readyz")
  }))

  validation {
    condition     = alltrue([for c in values(var.checks) : startswith(c.path, "/") && !strcontains(c.fqdn, "/")])
    error_message = "Each check needs a bare host name (no scheme, no path) and a path starting with /."
  }
}

variable "checker_regions" {
  description = "Where Route 53's checkers call from (at least three of its checker regions)."
  type        = list(string)
  default     = ["us-east-1", "eu-west-1", "ap-southeast-1"]

  validation {
    condition     = length(var.checker_regions) >= 3
    error_message = "Route 53 needs at least three checker regions."
  }
}
