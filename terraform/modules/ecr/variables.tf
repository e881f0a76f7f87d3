variable "repositories" {
  description = "Repository names to create, one per app, e.g. [\"kit/go-app\", \"kit/node-app\"]."
  type        = set(string)

  validation {
    condition     = length(var.repositories) > 0 && alltrue([for r in var.repositories : can(regex("^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*$", r))])
    error_message = "Each repository name must be lowercase letters, digits and . _ - separators, with optional / namespaces (ECR's rule)."
  }
}

variable "keep_tagged_images" {
  description = "Tagged images kept per repository; older ones expire (rollback targets are among the newest)."
  type        = number
  default     = 30

  validation {
    condition     = var.keep_tagged_images >= 5 && var.keep_tagged_images <= 1000
    error_message = "keep_tagged_images must be between 5 and 1000, so recent rollback targets always exist."
  }
}

variable "untagged_expiry_days" {
  description = "Days after which untagged images (superseded build layers) expire."
  type        = number
  default     = 7

  validation {
    condition     = var.untagged_expiry_days >= 1
    error_message = "untagged_expiry_days must be at least 1."
  }
}

variable "kms_key_arn" {
  description = "KMS key ARN encrypting the images; null uses the AWS managed key for ECR (aws/ecr)."
  type        = string
  default     = null
}

variable "force_delete" {
  description = "Allow destroying repositories that still hold images (for throwaway environments only)."
  type        = bool
  default     = false
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
