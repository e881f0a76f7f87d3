variable "destination_regions" {
  description = "Regions every image is copied to as it is pushed (the disaster-recovery region). Empty: no replication."
  type        = list(string)

  validation {
    condition     = alltrue([for r in var.destination_regions : can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", r))])
    error_message = "destination_regions must be AWS region names, e.g. eu-central-1."
  }
}

variable "repository_prefixes" {
  description = "Only repositories whose names start with one of these are replicated (e.g. kit-prod/: prod's images, not dev's)."
  type        = list(string)

  validation {
    condition     = length(var.repository_prefixes) > 0 && alltrue([for p in var.repository_prefixes : length(p) >= 2])
    error_message = "Name at least one repository prefix of two or more characters; replicating every repository of the account is not what DR needs."
  }
}
