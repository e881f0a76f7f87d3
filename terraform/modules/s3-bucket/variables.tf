variable "name" {
  description = "The bucket's name (globally unique)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.name))
    error_message = "name must be 3-63 lowercase letters, digits, dots or hyphens, starting and ending with a letter or digit."
  }
}

variable "force_destroy" {
  description = "Let `terraform destroy` delete a bucket that still holds objects (only for throwaway environments)."
  type        = bool
  default     = false
}

variable "noncurrent_version_expiry_days" {
  description = "Days an overwritten or deleted object's old version is kept."
  type        = number
  default     = 30

  validation {
    condition     = var.noncurrent_version_expiry_days >= 1
    error_message = "noncurrent_version_expiry_days must be at least 1."
  }
}

variable "tags" {
  description = "Tags for the bucket and its key."
  type        = map(string)
  default     = {}
}

variable "seed_objects" {
  description = "Objects (key => content and type) written once when the bucket is made; the application owns later versions."
  type = map(object({
    content      = string
    content_type = optional(string, "application/json")
  }))
  default = {}
}

variable "require_tls" {
  description = "Deny every request not made over TLS (bucket policy). Off only for an emulator that speaks plain HTTP."
  type        = bool
  default     = true
}
