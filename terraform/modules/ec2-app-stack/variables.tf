variable "app" {
  description = "The application's name (names, tags, the instances' SSM target)."
  type        = string
  default     = "testapp"
}

variable "environment" {
  description = "prod or uat."
  type        = string

  validation {
    condition     = contains(["prod", "uat"], var.environment)
    error_message = "environment must be prod or uat."
  }
}

variable "vpc_name" {
  description = "The Name tag of the account's VPC for this stack; null: the region's default VPC."
  type        = string
  default     = null
}

variable "public_subnet_tags" {
  description = "Tags that pick the load balancer's subnets in the VPC; {} takes every subnet."
  type        = map(string)
  default     = {}
}

variable "private_subnet_tags" {
  description = "Tags that pick the instances' (and the database's) subnets; {} takes every subnet."
  type        = map(string)
  default     = {}
}

variable "ami_parameter" {
  description = "The public SSM parameter naming the AMI (Amazon Linux 2023, x86_64)."
  type        = string
  default     = "/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
}

variable "instance_type" {
  description = "CPU- and bandwidth-heavy work: compute optimized with high network bandwidth (c6in: up to 30 Gbps at xlarge)."
  type        = string
  default     = "c6in.xlarge"
}

variable "root_volume_gb" {
  description = "Root volume size (gp3, encrypted)."
  type        = number
  default     = 20
}

variable "min_size" {
  description = "Fewest instances."
  type        = number
  default     = 3

  validation {
    condition     = var.min_size >= 3
    error_message = "min_size must be at least 3 (the seed's minimum)."
  }
}

variable "max_size" {
  description = "Most instances."
  type        = number
  default     = 6

  validation {
    condition     = var.max_size >= 3 && var.max_size <= 6
    error_message = "max_size must be between 3 and 6 (the seed's maximum)."
  }
}

variable "cpu_target_percent" {
  description = "Average CPU the group scales to keep."
  type        = number
  default     = 60
}

variable "network_out_target_bytes" {
  description = "Average bytes out per instance per minute the group scales to keep."
  type        = number
  default     = 3000000000
}

variable "app_port" {
  description = "The port the application listens on, behind the load balancer."
  type        = number
  default     = 80
}

variable "health_check_path" {
  description = "The target group's health check."
  type        = string
  default     = "/"
}

variable "certificate_arn" {
  description = "The ACM certificate of the HTTPS listener (in this region)."
  type        = string
}

variable "access_logs_bucket" {
  description = "A bucket for the load balancer's access logs; null: none."
  type        = string
  default     = null
}

variable "autoupdater_url" {
  description = "Where instances download the autoupdater from at boot."
  type        = string
  default     = "https://server.com/testapp-autoupdater"
}

variable "mysql" {
  description = "The back office's MySQL; null: none."
  type = object({
    engine_version = optional(string, "8.0")
    instance_class = optional(string, "db.t4g.medium")
    storage_gb     = optional(number, 20)
  })
  default = null
}

variable "tags" {
  description = "Tags for the instances and volumes (the provider's default_tags cover the rest)."
  type        = map(string)
  default     = {}
}

variable "deletion_protection" {
  description = "Refuse deleting the load balancer and the database; null: on in prod only."
  type        = bool
  default     = null
}

variable "autoupdate_lambda_zip" {
  description = "The on-demand autoupdate Lambda's package (apps/testapp-autoupdate: python -m testapp_autoupdate.package OUT.zip); null: no Lambda."
  type        = string
  default     = null
}
