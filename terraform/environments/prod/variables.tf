variable "project" {
  description = "Project name: prefix of every resource name and the Project tag."
  type        = string
  default     = "kit"

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,15}$", var.project))
    error_message = "project must be 2-16 lowercase letters, digits or dashes, starting with a letter."
  }
}

variable "environment" {
  description = "Environment name: part of every resource name and the Environment tag."
  type        = string

  validation {
    condition     = contains(["dev", "prod"], var.environment)
    error_message = "environment must be dev or prod."
  }
}

variable "region" {
  description = "AWS region of the environment."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.region))
    error_message = "region must be an AWS region name such as eu-west-1."
  }
}

variable "azs" {
  description = "Availability zones of the region to use (three for prod)."
  type        = list(string)
}

variable "vpc_cidr" {
  description = "IPv4 CIDR of the VPC (its private /19s must match the node-app chart's NetworkPolicy CIDRs in values-eks.yaml)."
  type        = string
  default     = "10.0.0.0/16"
}

variable "single_nat_gateway" {
  description = "One NAT gateway instead of one per zone (cheaper, not zone-failure tolerant)."
  type        = bool
}

variable "apps" {
  description = "Apps deployed to the cluster; each gets an ECR repository <project>/<app>."
  type        = set(string)
  default     = ["go-app", "node-app"]
}

variable "kubernetes_version" {
  description = "Kubernetes minor version of the cluster."
  type        = string
  default     = "1.34"
}

variable "endpoint_public_access_cidrs" {
  description = "CIDRs allowed to reach the cluster's public API endpoint (CI runners' egress, office VPN); empty: private only."
  type        = list(string)
  default     = []
}

variable "node_groups" {
  description = "Managed node groups (see the eks module's node_groups)."
  type = map(object({
    instance_types             = list(string)
    capacity_type              = optional(string, "ON_DEMAND")
    min_size                   = number
    max_size                   = number
    desired_size               = number
    disk_size_gib              = optional(number, 40)
    max_unavailable_percentage = optional(number, 33)
    labels                     = optional(map(string), {})
  }))
}

variable "admin_principals" {
  description = "IAM role ARNs given cluster-admin, by a static name (e.g. platform = your SSO admin role); CD's apply role is added as cd."
  type        = map(string)
  default     = {}
}

variable "db_instance_class" {
  description = "DocumentDB instance class."
  type        = string
}

variable "db_instance_count" {
  description = "DocumentDB instances (two or more for failover)."
  type        = number
}

variable "db_backup_retention_days" {
  description = "Days of DocumentDB automated backups."
  type        = number
}

variable "db_deletion_protection" {
  description = "Refuse to delete the DocumentDB cluster."
  type        = bool
}

variable "github_repository" {
  description = "GitHub repository (owner/name) whose workflows deploy this environment."
  type        = string
}

variable "create_github_oidc_provider" {
  description = "Create the account's GitHub OIDC provider here (false when another environment in the same account already has)."
  type        = bool
  default     = true
}

variable "github_oidc_provider_arn" {
  description = "ARN of the account's existing GitHub OIDC provider, when create_github_oidc_provider is false."
  type        = string
  default     = null
}

variable "state_bucket" {
  description = "S3 bucket holding this environment's Terraform state (the CI plan role reads it and writes its lock file)."
  type        = string
}

variable "state_kms_key_arn" {
  description = "KMS key of the state bucket (bootstrap output state_kms_key_arn); the CI plan role decrypts state and encrypts its lock file with it."
  type        = string
}

variable "alarm_emails" {
  description = "E-mail addresses notified by alarms."
  type        = set(string)
  default     = []
}

variable "log_retention_days" {
  description = "Days application (access), control plane, flow and database audit logs are kept; PCI DSS 10.5.1 asks for at least a year of audit trail."
  type        = number
}

variable "alb_arn_suffixes" {
  description = "ARN suffixes of each app's ALB (load_balancer: app/<name>/<id>) and target group (target_group: targetgroup/<name>/<id>), known after the first deploy; each app gets 5xx, latency and unhealthy-host alarms."
  type = map(object({
    load_balancer = string
    target_group  = string
  }))
  default = {}

  validation {
    condition     = alltrue([for a in values(var.alb_arn_suffixes) : startswith(a.load_balancer, "app/") && startswith(a.target_group, "targetgroup/")])
    error_message = "load_balancer must look like app/<name>/<id> and target_group like targetgroup/<name>/<id> (the ARN suffixes CloudWatch dimensions use)."
  }
}

variable "domain_name" {
  description = "DNS name the apps are served under (each app at <app>.<domain_name>): the ACM certificate names it and each app host."
  type        = string
}

variable "data_api_image_digest" {
  description = "Digest (sha256:…) of the data-api image to run on ECS, which CI pushed and tested; null keeps the one recorded in SSM by the last deploy (none before the first: then there is no service yet)."
  type        = string
  default     = null

  validation {
    condition     = var.data_api_image_digest == null || can(regex("^sha256:[a-f0-9]{64}$", var.data_api_image_digest))
    error_message = "data_api_image_digest must be sha256: and 64 hex digits (the digest CI pushed), not a tag."
  }
}

variable "data_api_min_tasks" {
  description = "Fewest data-api tasks (2+ spreads them over two zones)."
  type        = number
  default     = 2
}

variable "data_api_max_tasks" {
  description = "Most data-api tasks autoscaling starts."
  type        = number
  default     = 6
}

variable "route53_zone_id" {
  description = "Route 53 hosted zone of domain_name, where data-api.<domain_name> is created."
  type        = string
}

variable "failover_role" {
  description = "This copy's side of every public name's Route 53 failover pair: PRIMARY for the environment that serves, SECONDARY for its copy in the disaster-recovery region (docs/disaster-recovery.md, \"Region loss\")."
  type        = string
  default     = "PRIMARY"

  validation {
    condition     = contains(["PRIMARY", "SECONDARY"], var.failover_role)
    error_message = "failover_role must be PRIMARY or SECONDARY."
  }
}

variable "log_archive_years" {
  description = "Years the log archive keeps every object under Object Lock (compliance mode: no one can delete it sooner)."
  type        = number
  default     = 1
}

variable "pager_https_endpoint" {
  description = "HTTPS endpoint of the paging service's SNS integration (PagerDuty, Opsgenie); page-severity alarms reach the on-call through it. Pass it with TF_VAR_pager_https_endpoint from the CI secret store; null: e-mail only."
  type        = string
  default     = null
  sensitive   = true
}

variable "ticket_emails" {
  description = "The ticket queue's e-mail address(es): ticket-severity alarms go there, never to the pager."
  type        = set(string)
  default     = []
}

variable "pmp_partner_api_url" {
  description = "The third-party API seed 004's function asks (through the NAT gateway)."
  type        = string
  default     = "https://api.partner.example.com/v1/health"
}

variable "pmp_db_instance_class" {
  description = "Seed 004's PostgreSQL instance class."
  type        = string
  default     = "db.t4g.medium"
}

variable "dr_region" {
  description = "The disaster-recovery region: backup copies of the databases go there."
  type        = string
  default     = "eu-central-1"

  validation {
    condition     = can(regex("^[a-z]{2}(-gov)?-[a-z]+-[0-9]$", var.dr_region))
    error_message = "dr_region must be an AWS region name, e.g. eu-central-1."
  }
}
