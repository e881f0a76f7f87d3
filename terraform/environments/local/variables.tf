variable "project" {
  description = "Project name: prefix of every resource name and the Project tag."
  type        = string
  default     = "kit"
}

variable "region" {
  description = "Region the emulator answers for (kit.config.yaml aws.region)."
  type        = string
  default     = "us-east-1"
}

variable "apps" {
  description = "Apps; each gets an ECR repository <project>/<app>."
  type        = set(string)
  default     = ["go-app", "node-app"]
}

variable "github_repository" {
  description = "GitHub repository (owner/name) trusted by the CI role."
  type        = string
  default     = "kit-dev/kit"
}
