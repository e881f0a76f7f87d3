output "cluster_name" {
  description = "Name of the cluster (for `aws eks update-kubeconfig --name`)."
  value       = aws_eks_cluster.this.name
}

output "cluster_arn" {
  description = "ARN of the cluster."
  value       = aws_eks_cluster.this.arn
}

output "cluster_endpoint" {
  description = "URL of the Kubernetes API server."
  value       = aws_eks_cluster.this.endpoint
}

output "cluster_certificate_authority_data" {
  description = "Base64 CA certificate of the API server."
  value       = aws_eks_cluster.this.certificate_authority[0].data
}

output "node_security_group_id" {
  description = "The cluster security group EKS attaches to the control plane and managed nodes: the database admits traffic from it."
  value       = aws_eks_cluster.this.vpc_config[0].cluster_security_group_id
}

output "oidc_provider_arn" {
  description = "ARN of the cluster's IAM OIDC provider (IRSA trust policies name it)."
  value       = aws_iam_openid_connect_provider.this.arn
}

output "oidc_issuer_host" {
  description = "OIDC issuer host without https:// (the prefix of IRSA condition keys)."
  value       = local.oidc_host
}

output "lb_controller_role_arn" {
  description = "IRSA role of the AWS Load Balancer Controller (its Helm value serviceAccount.annotations.eks.amazonaws.com/role-arn)."
  value       = aws_iam_role.lb_controller.arn
}

output "node_role_arn" {
  description = "IAM role of the managed nodes."
  value       = aws_iam_role.node.arn
}

output "access_entries" {
  description = "EKS access entries by key (admin-<name>, deploy-<name>): principal ARN, access policy name and namespaces (null: the whole cluster)."
  value       = { for key, a in local.access : key => { principal_arn = a.arn, policy = a.policy, namespaces = a.namespaces } }
}

output "cluster_autoscaler_role_arn" {
  description = "IRSA role of Cluster Autoscaler (its Helm value rbac.serviceAccount.annotations.eks.amazonaws.com/role-arn)."
  value       = aws_iam_role.cluster_autoscaler.arn
}
