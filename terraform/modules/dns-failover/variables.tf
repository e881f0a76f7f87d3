variable "name" {
  description = "Prefix of the record's set identifier and the check's Name tag (e.g. kit-prod-data-api)."
  type        = string
}

variable "role" {
  description = "PRIMARY in the region that serves; SECONDARY in the disaster-recovery copy of the environment."
  type        = string
  default     = "PRIMARY"

  validation {
    condition     = contains(["PRIMARY", "SECONDARY"], var.role)
    error_message = "role must be PRIMARY or SECONDARY."
  }
}

variable "zone_id" {
  description = "The Route 53 hosted zone that holds record_name."
  type        = string
}

variable "record_name" {
  description = "The public name both sides of the pair answer for (e.g. data-api.kit.example.com)."
  type        = string

  validation {
    condition     = can(regex("^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\\.)+[a-z]{2,}$", var.record_name))
    error_message = "record_name must be a bare DNS name such as data-api.kit.example.com."
  }
}

variable "record_types" {
  description = "Alias record types to create (A, and AAAA for a dual-stack endpoint)."
  type        = list(string)
  default     = ["A"]

  validation {
    condition     = length(var.record_types) > 0 && alltrue([for t in var.record_types : contains(["A", "AAAA"], t)])
    error_message = "record_types takes A and/or AAAA."
  }
}

variable "target" {
  description = "This region's endpoint: its DNS name and hosted zone (a load balancer's dns_name/zone_id, an API Gateway domain's target_domain_name/hosted_zone_id)."
  type = object({
    dns_name = string
    zone_id  = string
  })
}

variable "evaluate_target_health" {
  description = "Let Route 53 also follow the target's own health (a load balancer's healthy targets). Off for an API Gateway domain, which reports none."
  type        = bool
  default     = true
}

variable "health_path" {
  description = "The endpoint's readiness path, called over HTTPS by the check."
  type        = string
  default     = "/readyz"

  validation {
    condition     = startswith(var.health_path, "/")
    error_message = "health_path must start with /."
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
