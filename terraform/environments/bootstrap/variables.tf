variable "project" {
  description = "Project name (Project tag)."
  type        = string
  default     = "kit"
}

variable "region" {
  description = "AWS region of the state bucket."
  type        = string
  default     = "eu-west-1"
}

variable "state_bucket" {
  description = "Name of the state bucket, e.g. kit-terraform-state-<account id>."
  type        = string
}

variable "dr_regions" {
  description = "Disaster-recovery regions prod's images are replicated to; [] turns replication off."
  type        = list(string)
  default     = ["eu-central-1"]
}
