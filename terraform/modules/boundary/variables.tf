variable "name" {
  description = "Name prefix of the environment, e.g. kit-prod: the policy is <name>-ci-boundary and protects the roles <name>-ci-*."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,40}$", var.name))
    error_message = "name must be lowercase letters, digits and dashes, starting with a letter."
  }
}

variable "environment" {
  description = "Environment whose resources the bounded roles may touch (its Environment tag value)."
  type        = string
}

variable "shared_tag_values" {
  description = "Other Environment tag values the bounded roles may touch (the account's shared resources, e.g. the state bucket and its key)."
  type        = list(string)
  default     = ["shared"]
}

variable "other_environment_names" {
  description = "Name prefixes of the account's other environments (e.g. [\"kit-dev\"] for prod): their roles, policies, repositories, clusters and log groups are out of reach even when untagged."
  type        = list(string)
  default     = []
}

variable "state_bucket" {
  description = "State bucket; the bounded roles may not touch other environments' state keys in it."
  type        = string
}

variable "other_state_prefixes" {
  description = "State key prefixes of the other environments (e.g. [\"dev\"])."
  type        = list(string)
  default     = []
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}
