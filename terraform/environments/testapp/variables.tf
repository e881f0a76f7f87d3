variable "region" {
  description = "The stack's region."
  type        = string

  validation {
    condition     = contains(["us-east-1", "us-west-2", "eu-west-1"], var.region)
    error_message = "region must be us-east-1, us-west-2 or eu-west-1."
  }
}

variable "environment" {
  description = "prod (every region) or uat (us-east-1)."
  type        = string

  validation {
    condition     = contains(["prod", "uat"], var.environment)
    error_message = "environment must be prod or uat."
  }

  validation {
    condition     = var.environment == "prod" || var.region == "us-east-1"
    error_message = "UAT runs in us-east-1 only."
  }
}

variable "domain_name" {
  description = "The name the stack serves; an ISSUED ACM certificate for it must exist in the region."
  type        = string
}

variable "vpc_name" {
  description = "The Name tag of the account's VPC; null: the region's default VPC."
  type        = string
  default     = null
}

variable "public_subnet_tags" {
  description = "Tags of the load balancer's subnets."
  type        = map(string)
  default     = {}
}

variable "private_subnet_tags" {
  description = "Tags of the instances' subnets."
  type        = map(string)
  default     = {}
}

variable "instance_type" {
  description = "The instances' type."
  type        = string
  default     = "c6in.xlarge"
}

variable "min_size" {
  description = "Fewest instances."
  type        = number
  default     = 3
}

variable "max_size" {
  description = "Most instances."
  type        = number
  default     = 6
}

variable "access_logs_bucket" {
  description = "The load balancer's access log bucket; null: none."
  type        = string
  default     = null
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

variable "deletion_protection" {
  description = "Refuse deleting the load balancer and the database; null: on in prod only."
  type        = bool
  default     = null
}

variable "autoupdate_lambda_zip" {
  description = "The on-demand autoupdate Lambda's package, built by the pipeline (scripts/build-lambda.sh); null: no Lambda. Set it as TF_VAR_autoupdate_lambda_zip."
  type        = string
  default     = null
}
