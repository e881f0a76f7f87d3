variable "cluster_name" {
  description = "Name of the EKS cluster, e.g. kit-prod."
  type        = string

  validation {
    condition     = can(regex("^[a-zA-Z][a-zA-Z0-9-]{0,99}$", var.cluster_name))
    error_message = "cluster_name must start with a letter and hold up to 100 letters, digits or dashes."
  }
}

variable "kubernetes_version" {
  description = "Kubernetes minor version of the control plane and node groups (the local kind cluster runs the same minor)."
  type        = string
  default     = "1.34"

  validation {
    condition     = can(regex("^1\\.[0-9]{2}$", var.kubernetes_version))
    error_message = "kubernetes_version must look like 1.34."
  }
}

variable "vpc_id" {
  description = "VPC of the cluster (network module output vpc_id): the load balancer controller may open ingress rules only on security groups in it."
  type        = string
}

variable "subnet_ids" {
  description = "Private subnets for the control plane's network interfaces, the nodes and the pods (network module output private_subnet_ids)."
  type        = list(string)

  validation {
    condition     = length(var.subnet_ids) >= 2
    error_message = "EKS needs subnets in at least two availability zones."
  }
}

variable "endpoint_public_access_cidrs" {
  description = "CIDRs allowed to reach the public API endpoint; empty makes the endpoint private only (reach it through a VPN or bastion)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for c in var.endpoint_public_access_cidrs : can(cidrhost(c, 0)) && c != "0.0.0.0/0"])
    error_message = "endpoint_public_access_cidrs must be valid CIDRs, and not 0.0.0.0/0 (the API must not be open to the internet)."
  }
}

variable "node_groups" {
  description = "Managed node groups by name. Nodes run in the private subnets across all zones; updates replace at most max_unavailable_percentage of them at a time."
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

  validation {
    condition     = length(var.node_groups) > 0 && alltrue([for g in values(var.node_groups) : g.min_size <= g.desired_size && g.desired_size <= g.max_size && g.min_size >= 1])
    error_message = "Every node group needs 1 <= min_size <= desired_size <= max_size."
  }

  validation {
    condition     = alltrue([for g in values(var.node_groups) : contains(["ON_DEMAND", "SPOT"], g.capacity_type)])
    error_message = "capacity_type must be ON_DEMAND or SPOT."
  }
}

variable "admin_principals" {
  description = "IAM principals (role ARNs) given cluster-admin through EKS access entries, by a static name (e.g. platform = the platform team's SSO role). Static keys keep for_each plannable when an ARN is only known after apply."
  type        = map(string)
  default     = {}
}

variable "deploy_principals" {
  description = "IAM principals (role ARNs, e.g. ci = the CI deploy role) given edit rights in var.app_namespaces only, through EKS access entries, by a static name."
  type        = map(string)
  default     = {}
}

variable "app_namespaces" {
  description = "Namespaces the deploy principals may change (the Helm releases' namespaces)."
  type        = list(string)
  default     = ["apps"]
}

variable "log_retention_days" {
  description = "Days the control plane logs are kept."
  type        = number
  default     = 90

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a retention period CloudWatch Logs accepts."
  }
}

variable "addon_versions" {
  description = "Pinned versions of the EKS add-ons by name; a missing entry takes the default version for the cluster's Kubernetes version."
  type        = map(string)
  default     = {}
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
