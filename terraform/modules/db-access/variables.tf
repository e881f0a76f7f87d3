variable "name" {
  description = "Names the host, its security group, role and policy (e.g. kit-prod-db-access)."
  type        = string
}

variable "vpc_id" {
  description = "The VPC of the databases."
  type        = string
}

variable "subnet_id" {
  description = "A private subnet for the host (it needs a route to the SSM endpoints: NAT or VPC endpoints)."
  type        = string
}

variable "targets" {
  description = "What the host may forward to, by a name known at plan: each database's security group and port."
  type = map(object({
    security_group_id = string
    port              = number
  }))

  validation {
    condition     = length(var.targets) > 0 && alltrue([for t in values(var.targets) : t.port > 0 && t.port < 65536])
    error_message = "targets must name at least one database, each with a port from 1 to 65535."
  }
}

variable "instance_type" {
  description = "The host only relays bytes: the smallest Graviton instance is enough."
  type        = string
  default     = "t4g.nano"
}

variable "ami_parameter" {
  description = "The public SSM parameter naming the AMI (Amazon Linux 2023 minimal, arm64, for t4g)."
  type        = string
  default     = "/aws/service/ami-amazon-linux-latest/al2023-ami-minimal-kernel-default-arm64"
}
