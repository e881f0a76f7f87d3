mock_provider "aws" {
  mock_data "aws_partition" {
    defaults = {
      partition = "aws"
    }
  }

  # A mocked aws_iam_policy_document would return random text, which roles and policies refuse as JSON.
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }
}

variables {
  cluster_name = "kit-test"
  vpc_id       = "vpc-0123456789abcdef0"
  subnet_ids   = ["subnet-0000000000000000a", "subnet-0000000000000000b", "subnet-0000000000000000c"]
  node_groups = {
    default = {
      instance_types = ["m6i.large"]
      min_size       = 3
      max_size       = 6
      desired_size   = 3
    }
  }
  admin_principals  = { platform = "arn:aws:iam::123456789012:role/platform-admin" }
  deploy_principals = { ci = "arn:aws:iam::123456789012:role/kit-test-ci-deploy" }
}

run "private_encrypted_audited_control_plane" {
  command = plan

  assert {
    condition     = aws_eks_cluster.this.version == "1.34"
    error_message = "The control plane runs the same minor as the local kind cluster."
  }

  assert {
    condition     = aws_eks_cluster.this.vpc_config[0].endpoint_private_access && !aws_eks_cluster.this.vpc_config[0].endpoint_public_access
    error_message = "Without endpoint_public_access_cidrs the API endpoint must be private only."
  }

  assert {
    condition     = aws_eks_cluster.this.encryption_config[0].resources == toset(["secrets"])
    error_message = "Kubernetes secrets must be envelope-encrypted with KMS."
  }

  assert {
    condition     = toset(aws_eks_cluster.this.enabled_cluster_log_types) == toset(["api", "audit", "authenticator", "controllerManager", "scheduler"])
    error_message = "All control plane logs must be on."
  }

  assert {
    condition     = aws_eks_cluster.this.access_config[0].authentication_mode == "API" && !aws_eks_cluster.this.access_config[0].bootstrap_cluster_creator_admin_permissions
    error_message = "Access must go through access entries only, with no implicit admin for the creator."
  }

  assert {
    condition     = aws_kms_key.this.enable_key_rotation
    error_message = "The secrets key must rotate."
  }
}

run "nodes_in_private_subnets_with_imdsv2" {
  command = plan

  assert {
    condition     = aws_eks_node_group.this["default"].subnet_ids == toset(var.subnet_ids)
    error_message = "Nodes must run in the given private subnets."
  }

  assert {
    condition     = aws_eks_node_group.this["default"].update_config[0].max_unavailable_percentage == 33
    error_message = "Node updates replace at most a third of the nodes at a time."
  }

  assert {
    condition     = aws_launch_template.node["default"].metadata_options[0].http_tokens == "required" && aws_launch_template.node["default"].metadata_options[0].http_put_response_hop_limit == 1
    error_message = "IMDSv2 with one hop: pods must not reach the node role."
  }

  assert {
    condition     = aws_launch_template.node["default"].block_device_mappings[0].ebs[0].encrypted == "true"
    error_message = "Node volumes must be encrypted."
  }

  assert {
    condition     = !contains(keys(aws_iam_role_policy_attachment.node), "AmazonEKS_CNI_Policy")
    error_message = "The CNI policy belongs to the vpc-cni add-on's IRSA role, not the nodes."
  }
}

run "addons_enforce_network_policy_and_serve_metrics" {
  command = plan

  assert {
    condition     = toset(concat(keys(aws_eks_addon.before_compute), keys(aws_eks_addon.this))) == toset(["vpc-cni", "coredns", "kube-proxy", "metrics-server", "amazon-cloudwatch-observability"])
    error_message = "Core add-ons, metrics-server (for the HPA) and Container Insights must be installed."
  }

  assert {
    condition     = jsondecode(aws_eks_addon.before_compute["vpc-cni"].configuration_values).enableNetworkPolicy == "true"
    error_message = "vpc-cni must enforce NetworkPolicy (the charts rely on it)."
  }
}

# Nodes join on the first apply only if aws-node can assign pod IPs: either the node role holds
# AmazonEKS_CNI_Policy or the vpc-cni add-on runs under its IRSA role before the node groups exist.
# The ordering itself (aws_eks_node_group.this depends on aws_eks_addon.before_compute) is asserted
# on `terraform graph` in kit/test/terraform/terraform.integration.test.ts.
run "vpc_cni_has_its_credentials_before_the_nodes" {
  command = plan

  assert {
    condition     = keys(aws_eks_addon.before_compute) == ["vpc-cni"] && !contains(keys(aws_eks_addon.this), "vpc-cni")
    error_message = "vpc-cni must be the add-on created before compute (coredns and metrics-server need nodes, so they come after)."
  }

  assert {
    condition     = aws_iam_role_policy_attachment.vpc_cni.role == aws_iam_role.vpc_cni.name && endswith(aws_iam_role_policy_attachment.vpc_cni.policy_arn, ":policy/AmazonEKS_CNI_Policy")
    error_message = "The vpc-cni IRSA role must hold AmazonEKS_CNI_Policy."
  }

  assert {
    condition     = contains(data.aws_iam_policy_document.irsa_assume["vpc_cni"].statement[0].condition[*].values[0], "system:serviceaccount:kube-system:aws-node")
    error_message = "The vpc-cni role must trust the aws-node service account."
  }
}

run "lb_controller_may_open_the_cluster_security_group_in_its_vpc" {
  command = plan

  assert {
    condition = anytrue([for s in data.aws_iam_policy_document.lb_controller.statement :
      contains(s.actions, "ec2:AuthorizeSecurityGroupIngress") && contains(s.actions, "ec2:RevokeSecurityGroupIngress")
      && alltrue([for c in s.condition : !startswith(c.variable, "aws:ResourceTag/")])
      && alltrue([for c in s.condition : c.variable != "ec2:Vpc" || (length(c.values) == 1 && contains(c.values, "arn:aws:ec2:*:*:vpc/${var.vpc_id}"))])
    ])
    error_message = "The controller must be able to add the ALB -> pod rule to the untagged cluster security group (upstream grants Authorize/RevokeSecurityGroupIngress without the elbv2.k8s.aws/cluster tag condition); here scoped to the cluster's VPC."
  }
}

run "cluster_autoscaler_resizes_only_this_clusters_node_groups" {
  command = plan

  assert {
    condition     = alltrue([for s in data.aws_iam_policy_document.cluster_autoscaler.statement : length(setintersection(s.actions, ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"])) == 0 || [for c in s.condition : c.variable] == ["aws:ResourceTag/k8s.io/cluster-autoscaler/${var.cluster_name}"]]) && anytrue([for s in data.aws_iam_policy_document.cluster_autoscaler.statement : contains(s.actions, "autoscaling:SetDesiredCapacity")])
    error_message = "Resizing and terminating are allowed only in Auto Scaling groups tagged as this cluster's."
  }
}

run "deploy_role_limited_to_app_namespace" {
  command = plan

  assert {
    condition     = aws_eks_access_policy_association.this["deploy-ci"].access_scope[0].type == "namespace" && aws_eks_access_policy_association.this["deploy-ci"].access_scope[0].namespaces == toset(["apps"])
    error_message = "The CI deploy role may change the apps namespace only."
  }

  assert {
    condition     = endswith(aws_eks_access_policy_association.this["deploy-ci"].policy_arn, "/AmazonEKSEditPolicy")
    error_message = "The CI deploy role gets edit, not admin."
  }

  assert {
    condition     = aws_eks_access_policy_association.this["admin-platform"].access_scope[0].type == "cluster"
    error_message = "Admins get the whole cluster."
  }
}

run "rejects_an_api_open_to_the_internet" {
  command = plan

  variables {
    endpoint_public_access_cidrs = ["0.0.0.0/0"]
  }

  expect_failures = [var.endpoint_public_access_cidrs]
}

run "rejects_inconsistent_node_group_sizes" {
  command = plan

  variables {
    node_groups = {
      default = { instance_types = ["m6i.large"], min_size = 3, max_size = 2, desired_size = 3 }
    }
  }

  expect_failures = [var.node_groups]
}
