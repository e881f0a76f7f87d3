data "aws_partition" "current" {}

locals {
  partition = data.aws_partition.current.partition
  oidc_host = replace(aws_eks_cluster.this.identity[0].oidc[0].issuer, "https://", "")
  # Add-ons, with the IRSA role each one runs under (null: none needed). before_compute: created
  # before the node groups, because nodes cannot become Ready without it.
  addons = {
    vpc-cni = {
      role           = aws_iam_role.vpc_cni.arn
      before_compute = true
      # Enforce NetworkPolicy objects (the charts allow egress to DNS and the database only).
      configuration = jsonencode({ enableNetworkPolicy = "true" })
    }
    coredns                         = { role = null, before_compute = false, configuration = null }
    kube-proxy                      = { role = null, before_compute = false, configuration = null }
    metrics-server                  = { role = null, before_compute = false, configuration = null }
    amazon-cloudwatch-observability = { role = aws_iam_role.cloudwatch_agent.arn, before_compute = false, configuration = null }
  }
}

resource "aws_kms_key" "this" {
  #checkov:skip=CKV2_AWS_64:The default key policy delegates to IAM in this account; the cluster role's AmazonEKSClusterPolicy and the admins' IAM policies govern use.
  description             = "Envelope encryption of Kubernetes secrets in ${var.cluster_name}"
  enable_key_rotation     = true
  deletion_window_in_days = 30

  tags = var.tags
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.cluster_name}-eks-secrets"
  target_key_id = aws_kms_key.this.key_id
}

data "aws_iam_policy_document" "cluster_assume" {
  statement {
    actions = ["sts:AssumeRole", "sts:TagSession"]
    principals {
      type        = "Service"
      identifiers = ["eks.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "cluster" {
  name                 = "${var.cluster_name}-cluster"
  assume_role_policy   = data.aws_iam_policy_document.cluster_assume.json
  permissions_boundary = var.permissions_boundary_arn

  tags = var.tags
}

resource "aws_iam_role_policy_attachment" "cluster" {
  role       = aws_iam_role.cluster.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/AmazonEKSClusterPolicy"
}

# Created before the cluster so its retention applies from the first log line.
# trivy: AWS-0017 (log group CMK) accepted for the reason of checkov's CKV_AWS_158 below.
#trivy:ignore:AVD-AWS-0017
resource "aws_cloudwatch_log_group" "this" {
  #checkov:skip=CKV_AWS_338:Retention is var.log_retention_days; prod passes 400 days, dev keeps less to save cost.
  #checkov:skip=CKV_AWS_158:CloudWatch Logs encrypts at rest with its own key; a customer-managed key would need a key policy for the logs service principal (see docs/aws-resources.md, improvements).
  name              = "/aws/eks/${var.cluster_name}/cluster"
  retention_in_days = var.log_retention_days

  tags = var.tags
}

resource "aws_eks_cluster" "this" {
  name     = var.cluster_name
  version  = var.kubernetes_version
  role_arn = aws_iam_role.cluster.arn

  enabled_cluster_log_types = ["api", "audit", "authenticator", "controllerManager", "scheduler"]

  vpc_config {
    subnet_ids              = var.subnet_ids
    endpoint_private_access = true
    endpoint_public_access  = length(var.endpoint_public_access_cidrs) > 0
    public_access_cidrs     = length(var.endpoint_public_access_cidrs) > 0 ? var.endpoint_public_access_cidrs : null
  }

  encryption_config {
    resources = ["secrets"]
    provider {
      key_arn = aws_kms_key.this.arn
    }
  }

  access_config {
    authentication_mode                         = "API"
    bootstrap_cluster_creator_admin_permissions = false
  }

  tags = var.tags

  depends_on = [aws_iam_role_policy_attachment.cluster, aws_cloudwatch_log_group.this]
}

resource "aws_iam_openid_connect_provider" "this" {
  url            = aws_eks_cluster.this.identity[0].oidc[0].issuer
  client_id_list = ["sts.amazonaws.com"]

  tags = var.tags
}

# --- Nodes ---------------------------------------------------------------------------------------

data "aws_iam_policy_document" "node_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["ec2.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "node" {
  name                 = "${var.cluster_name}-node"
  assume_role_policy   = data.aws_iam_policy_document.node_assume.json
  permissions_boundary = var.permissions_boundary_arn

  tags = var.tags
}

# The CNI policy is not on the node role: the vpc-cni add-on gets it through IRSA, and is created
# (with its role) before the node groups, so aws-node has credentials when the first node boots.
resource "aws_iam_role_policy_attachment" "node" {
  for_each = toset(["AmazonEKSWorkerNodePolicy", "AmazonEC2ContainerRegistryReadOnly"])

  role       = aws_iam_role.node.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/${each.key}"
}

resource "aws_launch_template" "node" {
  for_each = var.node_groups

  name_prefix = "${var.cluster_name}-${each.key}-"

  # IMDSv2 only, one hop: pods cannot reach the node role's credentials (they use IRSA).
  metadata_options {
    http_endpoint               = "enabled"
    http_tokens                 = "required"
    http_put_response_hop_limit = 1
  }

  block_device_mappings {
    device_name = "/dev/xvda"
    ebs {
      volume_size           = each.value.disk_size_gib
      volume_type           = "gp3"
      encrypted             = true
      delete_on_termination = true
    }
  }

  tag_specifications {
    resource_type = "instance"
    tags          = merge(var.tags, { Name = "${var.cluster_name}-${each.key}" })
  }

  tags = var.tags
}

resource "aws_eks_node_group" "this" {
  for_each = var.node_groups

  cluster_name    = aws_eks_cluster.this.name
  node_group_name = each.key
  node_role_arn   = aws_iam_role.node.arn
  subnet_ids      = var.subnet_ids
  version         = var.kubernetes_version
  instance_types  = each.value.instance_types
  capacity_type   = each.value.capacity_type
  labels          = each.value.labels

  scaling_config {
    min_size     = each.value.min_size
    max_size     = each.value.max_size
    desired_size = each.value.desired_size
  }

  update_config {
    max_unavailable_percentage = each.value.max_unavailable_percentage
  }

  launch_template {
    id      = aws_launch_template.node[each.key].id
    version = aws_launch_template.node[each.key].latest_version
  }

  tags = var.tags

  lifecycle {
    # The cluster autoscaler (or Karpenter) owns the current size once the group exists.
    ignore_changes = [scaling_config[0].desired_size]
  }

  depends_on = [aws_iam_role_policy_attachment.node, aws_eks_addon.before_compute]
}

# --- IRSA roles ----------------------------------------------------------------------------------

data "aws_iam_policy_document" "irsa_assume" {
  for_each = {
    vpc_cni            = "kube-system:aws-node"
    lb_controller      = "kube-system:aws-load-balancer-controller"
    cloudwatch_agent   = "amazon-cloudwatch:cloudwatch-agent"
    cluster_autoscaler = "kube-system:cluster-autoscaler"
  }

  statement {
    actions = ["sts:AssumeRoleWithWebIdentity"]
    principals {
      type        = "Federated"
      identifiers = [aws_iam_openid_connect_provider.this.arn]
    }
    condition {
      test     = "StringEquals"
      variable = "${local.oidc_host}:sub"
      values   = ["system:serviceaccount:${each.value}"]
    }
    condition {
      test     = "StringEquals"
      variable = "${local.oidc_host}:aud"
      values   = ["sts.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "vpc_cni" {
  name                 = "${var.cluster_name}-vpc-cni"
  assume_role_policy   = data.aws_iam_policy_document.irsa_assume["vpc_cni"].json
  permissions_boundary = var.permissions_boundary_arn

  tags = var.tags
}

resource "aws_iam_role_policy_attachment" "vpc_cni" {
  role       = aws_iam_role.vpc_cni.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/AmazonEKS_CNI_Policy"
}

resource "aws_iam_role" "cloudwatch_agent" {
  name                 = "${var.cluster_name}-cloudwatch-agent"
  assume_role_policy   = data.aws_iam_policy_document.irsa_assume["cloudwatch_agent"].json
  permissions_boundary = var.permissions_boundary_arn

  tags = var.tags
}

resource "aws_iam_role_policy_attachment" "cloudwatch_agent" {
  role       = aws_iam_role.cloudwatch_agent.name
  policy_arn = "arn:${local.partition}:iam::aws:policy/CloudWatchAgentServerPolicy"
}

resource "aws_iam_role" "lb_controller" {
  name                 = "${var.cluster_name}-aws-load-balancer-controller"
  assume_role_policy   = data.aws_iam_policy_document.irsa_assume["lb_controller"].json
  permissions_boundary = var.permissions_boundary_arn

  tags = var.tags
}

resource "aws_iam_policy" "lb_controller" {
  name        = "${var.cluster_name}-aws-load-balancer-controller"
  description = "What the AWS Load Balancer Controller of ${var.cluster_name} needs: manage the ALBs, target groups and security groups it tags as its own."
  policy      = data.aws_iam_policy_document.lb_controller.json

  tags = var.tags
}

resource "aws_iam_role_policy_attachment" "lb_controller" {
  role       = aws_iam_role.lb_controller.name
  policy_arn = aws_iam_policy.lb_controller.arn
}

# --- Add-ons and access --------------------------------------------------------------------------

# vpc-cni before the nodes: without it (and its IRSA role's AmazonEKS_CNI_Policy) aws-node cannot
# assign pod IPs, the nodes never become Ready and the node groups fail on the first apply.
resource "aws_eks_addon" "before_compute" {
  for_each = { for name, addon in local.addons : name => addon if addon.before_compute }

  cluster_name                = aws_eks_cluster.this.name
  addon_name                  = each.key
  addon_version               = lookup(var.addon_versions, each.key, null)
  service_account_role_arn    = each.value.role
  configuration_values        = each.value.configuration
  resolve_conflicts_on_create = "OVERWRITE"
  resolve_conflicts_on_update = "OVERWRITE"

  tags = var.tags

  depends_on = [aws_iam_role_policy_attachment.vpc_cni]
}

moved {
  from = aws_eks_addon.this["vpc-cni"]
  to   = aws_eks_addon.before_compute["vpc-cni"]
}

resource "aws_eks_addon" "this" {
  for_each = { for name, addon in local.addons : name => addon if !addon.before_compute }

  cluster_name                = aws_eks_cluster.this.name
  addon_name                  = each.key
  addon_version               = lookup(var.addon_versions, each.key, null)
  service_account_role_arn    = each.value.role
  configuration_values        = each.value.configuration
  resolve_conflicts_on_create = "OVERWRITE"
  resolve_conflicts_on_update = "OVERWRITE"

  tags = var.tags

  # coredns and metrics-server need nodes to become active.
  depends_on = [aws_eks_node_group.this]
}

locals {
  access = merge(
    { for name, arn in var.admin_principals : "admin-${name}" => { arn = arn, policy = "AmazonEKSClusterAdminPolicy", namespaces = null } },
    { for name, arn in var.deploy_principals : "deploy-${name}" => { arn = arn, policy = "AmazonEKSEditPolicy", namespaces = var.app_namespaces } },
  )
}

resource "aws_eks_access_entry" "this" {
  for_each = local.access

  cluster_name  = aws_eks_cluster.this.name
  principal_arn = each.value.arn
  type          = "STANDARD"

  tags = var.tags
}

resource "aws_eks_access_policy_association" "this" {
  for_each = local.access

  cluster_name  = aws_eks_cluster.this.name
  principal_arn = aws_eks_access_entry.this[each.key].principal_arn
  policy_arn    = "arn:${local.partition}:eks::aws:cluster-access-policy/${each.value.policy}"

  access_scope {
    type       = each.value.namespaces == null ? "cluster" : "namespace"
    namespaces = each.value.namespaces
  }
}
