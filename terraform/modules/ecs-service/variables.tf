variable "name" {
  description = "Name of the service and prefix of its resources, e.g. kit-prod-data-api."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,26}[a-z0-9]$", var.name))
    error_message = "name must be 3 to 28 lowercase letters, digits and dashes, starting with a letter (the ALB and target group names add a suffix within AWS's 32 characters)."
  }
}

variable "image_repository_url" {
  description = "ECR repository URL of the service's image (module ecr's repository_urls[app])."
  type        = string
}

variable "image_digest" {
  description = "Digest of the image to run (sha256:…): the task definition names the image by digest, never by a tag, so what runs is what was tested."
  type        = string

  validation {
    condition     = can(regex("^sha256:[a-f0-9]{64}$", var.image_digest))
    error_message = "image_digest must be sha256: and 64 hex digits (the digest CI pushed), not a tag."
  }
}

variable "container_port" {
  description = "Port the container listens on."
  type        = number
  default     = 8080
}

variable "health_check_path" {
  description = "Path the target group checks: the app's readiness (503 while draining or while its table is unreachable)."
  type        = string
  default     = "/readyz"
}

variable "cpu" {
  description = "Fargate task CPU units (256, 512, 1024, 2048, 4096)."
  type        = number
  default     = 256

  validation {
    condition     = contains([256, 512, 1024, 2048, 4096], var.cpu)
    error_message = "cpu must be 256, 512, 1024, 2048 or 4096."
  }
}

variable "memory" {
  description = "Fargate task memory in MiB (a size Fargate pairs with the CPU)."
  type        = number
  default     = 512
}

variable "environment" {
  description = "The container's environment variables (no secrets: those go through secrets)."
  type        = map(string)
  default     = {}
}

variable "stop_timeout" {
  description = "Seconds ECS waits after SIGTERM before SIGKILL; above the app's SHUTDOWN_TIMEOUT_MS."
  type        = number
  default     = 30

  validation {
    condition     = var.stop_timeout >= 2 && var.stop_timeout <= 120
    error_message = "stop_timeout must be 2 to 120 seconds (Fargate's limit)."
  }
}

variable "desired_count" {
  description = "Tasks at creation; autoscaling moves it between min_count and max_count afterwards."
  type        = number
  default     = 2
}

variable "min_count" {
  description = "Fewest tasks autoscaling keeps; 2 or more spreads them over two zones."
  type        = number
  default     = 2

  validation {
    condition     = var.min_count >= 1
    error_message = "min_count must be at least 1."
  }
}

variable "max_count" {
  description = "Most tasks autoscaling starts."
  type        = number
  default     = 6
}

variable "cpu_target_percent" {
  description = "Average CPU the service's target-tracking policy keeps."
  type        = number
  default     = 60
}

variable "requests_per_target" {
  description = "ALB requests per task per minute the request-count policy keeps."
  type        = number
  default     = 1000
}

variable "vpc_id" {
  description = "VPC of the service and its load balancer (module network's vpc_id)."
  type        = string
}

variable "public_subnet_ids" {
  description = "Subnets of the internet-facing load balancer."
  type        = list(string)
}

variable "private_subnet_ids" {
  description = "Subnets of the tasks (no public IP; NAT or endpoints for ECR, Logs and DynamoDB)."
  type        = list(string)
}

variable "certificate_arn" {
  description = "ACM certificate of the HTTPS listener (module edge's certificate_arn); it must cover domain_name."
  type        = string
}

variable "web_acl_arn" {
  description = "Regional WAFv2 web ACL attached to the load balancer (module edge's web_acl_arn)."
  type        = string
}

variable "access_logs_bucket" {
  description = "S3 bucket of the load balancer's access logs (module edge's access_logs_bucket)."
  type        = string
}

variable "zone_id" {
  description = "Route 53 hosted zone that holds domain_name."
  type        = string
}

variable "domain_name" {
  description = "Name the service answers on, an alias record to its load balancer."
  type        = string
}

variable "log_group_name" {
  description = "CloudWatch log group of the container's output, created with its retention and key beforehand (module observability's log_groups)."
  type        = string
}

variable "table_arn" {
  description = "DynamoDB table the task role may read and write (module dynamodb's table_arn)."
  type        = string
}

variable "table_kms_key_arn" {
  description = "Customer-managed key of the table, which the task role may use; null for the AWS-managed key."
  type        = string
  default     = null
}

variable "deletion_protection" {
  description = "Protect the load balancer from deletion (prod)."
  type        = bool
  default     = true
}

variable "tags" {
  description = "Tags added to every resource."
  type        = map(string)
  default     = {}
}

variable "runbook_url" {
  description = "Where an operator reads what to do when one of the service's alarms fires; put in each alarm's description."
  type        = string
  default     = null
}

variable "failover_role" {
  description = "This region's side of the public name's Route 53 failover pair: PRIMARY where the environment serves, SECONDARY in its disaster-recovery copy (docs/disaster-recovery.md)."
  type        = string
  default     = "PRIMARY"
}
