variable "name" {
  description = "Name of the role, e.g. kit-prod-ci-deploy."
  type        = string

  validation {
    condition     = can(regex("^[\\w+=,.@-]{1,64}$", var.name))
    error_message = "name must be a valid IAM role name (up to 64 of letters, digits and +=,.@_-)."
  }
}

variable "create_oidc_provider" {
  description = "Create the account's GitHub Actions OIDC provider (one per account: create it in one environment, pass its ARN to the others)."
  type        = bool
  default     = true
}

variable "oidc_provider_arn" {
  description = "ARN of an existing GitHub Actions OIDC provider, used when create_oidc_provider is false."
  type        = string
  default     = null
}

variable "github_repository" {
  description = "GitHub repository allowed to assume the role, as owner/name."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}$", var.github_repository))
    error_message = "github_repository must look like owner/name."
  }
}

variable "github_subjects" {
  description = "Token subjects (after repo:<owner/name>:) allowed to assume the role, e.g. [\"environment:prod\"] so only jobs of the protected prod environment (with required reviewers) can, or [\"pull_request\"] for a plan-only role."
  type        = list(string)

  validation {
    condition     = length(var.github_subjects) > 0 && alltrue([for s in var.github_subjects : can(regex("^(environment:[A-Za-z0-9_.-]+|ref:refs/(heads|tags)/[A-Za-z0-9_./*-]+|pull_request)$", s))])
    error_message = "Each subject must be environment:<name>, ref:refs/heads/<branch>, ref:refs/tags/<tag> or pull_request; a bare wildcard would let any workflow of the repository in."
  }
}

variable "policy_statements" {
  description = "Statements of the role's inline policy: exactly the actions and resources its jobs need."
  type = list(object({
    sid       = string
    actions   = list(string)
    resources = list(string)
    conditions = optional(list(object({
      test     = string
      variable = string
      values   = list(string)
    })), [])
  }))

  validation {
    condition     = alltrue([for s in var.policy_statements : !contains(s.actions, "*") && !contains(s.actions, "iam:*")])
    error_message = "policy_statements must name actions; \"*\" and \"iam:*\" are refused."
  }
}

variable "managed_policy_arns" {
  description = "AWS managed policies attached as well (e.g. ReadOnlyAccess for a plan role). AdministratorAccess is refused."
  type        = set(string)
  default     = []

  validation {
    condition     = alltrue([for p in var.managed_policy_arns : !endswith(p, "/AdministratorAccess")])
    error_message = "AdministratorAccess is refused; attach narrower policies."
  }
}

variable "max_session_duration" {
  description = "Maximum session length in seconds (a CD run must finish within it)."
  type        = number
  default     = 3600

  validation {
    condition     = var.max_session_duration >= 900 && var.max_session_duration <= 43200
    error_message = "max_session_duration must be between 900 and 43200 seconds."
  }
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}

variable "permissions_boundary_arn" {
  description = "Permissions boundary of every IAM role this module creates (the boundary module's policy): roles made by a bounded CI role must carry it. null: none."
  type        = string
  default     = null
}
