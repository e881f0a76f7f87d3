variable "bucket" {
  description = "Name of the S3 bucket holding Terraform state for every environment of the account (globally unique)."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket))
    error_message = "bucket must be a valid S3 bucket name (3-63 lowercase letters, digits, dots, dashes)."
  }
}

variable "noncurrent_version_expiry_days" {
  description = "Days old state versions are kept (to recover from a bad apply or a corrupted state)."
  type        = number
  default     = 90

  validation {
    condition     = var.noncurrent_version_expiry_days >= 7
    error_message = "noncurrent_version_expiry_days must be at least 7."
  }
}

variable "read_only_principal_arns" {
  description = "Principal ARN patterns (e.g. arn:aws:iam::<account>:role/kit-*-ci-terraform-plan) that may read state and take the lock but never write or delete state: the bucket policy denies them every object write except *.tflock lock files."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
