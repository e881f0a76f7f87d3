# Cluster Autoscaler's IRSA role: it adds nodes when pods are pending and removes idle ones, by
# changing the managed node groups' desired sizes (within their min_size..max_size). EKS tags each
# node group's Auto Scaling group k8s.io/cluster-autoscaler/<cluster> = owned; the role may resize
# and terminate in those groups only. The chart is installed with this role (docs/deployment-plan.md).

data "aws_iam_policy_document" "cluster_autoscaler" {
  statement {
    #checkov:skip=CKV_AWS_356:Describe calls have no resource-level permissions.
    #checkov:skip=CKV_AWS_111:Same: discovery calls cannot be scoped by resource.
    sid = "Discover"
    actions = [
      "autoscaling:DescribeAutoScalingGroups",
      "autoscaling:DescribeAutoScalingInstances",
      "autoscaling:DescribeLaunchConfigurations",
      "autoscaling:DescribeScalingActivities",
      "autoscaling:DescribeTags",
      "ec2:DescribeImages",
      "ec2:DescribeInstanceTypes",
      "ec2:DescribeLaunchTemplateVersions",
      "ec2:GetInstanceTypesFromInstanceRequirements",
      "eks:DescribeNodegroup",
    ]
    resources = ["*"]
  }

  statement {
    #checkov:skip=CKV_AWS_356:Scoped by the condition: only the Auto Scaling groups of this cluster's node groups.
    #checkov:skip=CKV_AWS_111:Same: only groups tagged as this cluster's.
    sid       = "ResizeThisClustersNodeGroupsOnly"
    actions   = ["autoscaling:SetDesiredCapacity", "autoscaling:TerminateInstanceInAutoScalingGroup"]
    resources = ["*"]
    condition {
      test     = "StringEquals"
      variable = "aws:ResourceTag/k8s.io/cluster-autoscaler/${var.cluster_name}"
      values   = ["owned"]
    }
  }
}

resource "aws_iam_role" "cluster_autoscaler" {
  name                 = "${var.cluster_name}-cluster-autoscaler"
  assume_role_policy   = data.aws_iam_policy_document.irsa_assume["cluster_autoscaler"].json
  permissions_boundary = var.permissions_boundary_arn

  tags = var.tags
}

resource "aws_iam_role_policy" "cluster_autoscaler" {
  name   = "cluster-autoscaler"
  role   = aws_iam_role.cluster_autoscaler.id
  policy = data.aws_iam_policy_document.cluster_autoscaler.json
}
