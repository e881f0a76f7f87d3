variable "name" {
  description = "Prefix of every name, and of the SSM parameters (/<name>/...)."
  type        = string
}

variable "service" {
  description = "serverless.yml's service."
  type        = string
  default     = "pmp-api"
}

variable "stage" {
  description = "The serverless stage (the environment)."
  type        = string
}

variable "function" {
  description = "The function's key in serverless.yml."
  type        = string
  default     = "api"
}

variable "vpc_id" {
  description = "The VPC the function runs in."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets (with a NAT gateway for the third-party API)."
  type        = list(string)
}

variable "db_proxy_security_group_id" {
  description = "The RDS Proxy's security group."
  type        = string
}

variable "db_proxy_endpoint" {
  description = "The RDS Proxy's endpoint."
  type        = string
}

variable "db_proxy_resource_id" {
  description = "The proxy's resource id (prx-...), for the rds-db:connect ARN."
  type        = string
}

variable "db_name" {
  description = "The database."
  type        = string
}

variable "db_user" {
  description = "The database user the function connects as (IAM authentication; created by a migration)."
  type        = string
  default     = "pmp_api"
}

variable "data_bucket_name" {
  description = "The bucket the function reads (the consent notices)."
  type        = string
}

variable "data_bucket_arn" {
  description = "Its ARN."
  type        = string
}

variable "data_bucket_kms_key_arn" {
  description = "Its key."
  type        = string
}

variable "domain_name" {
  description = "The API's custom domain."
  type        = string
}

variable "certificate_arn" {
  description = "An ACM certificate in this region naming domain_name."
  type        = string
}

variable "zone_id" {
  description = "The Route 53 hosted zone of domain_name."
  type        = string
}

variable "partner_api_url" {
  description = "The third-party API the function asks."
  type        = string
}

variable "tags" {
  description = "Tags for every resource."
  type        = map(string)
  default     = {}
}

variable "runbook_url" {
  description = "docs/runbooks.md's address: each alarm links its section."
  type        = string
}

variable "failover_role" {
  description = "This region's side of the public name's Route 53 failover pair: PRIMARY where the environment serves, SECONDARY in its disaster-recovery copy (docs/disaster-recovery.md)."
  type        = string
  default     = "PRIMARY"
}
