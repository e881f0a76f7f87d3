output "cluster_name" {
  description = "EKS cluster name (aws eks update-kubeconfig --name <this> --region <region>)."
  value       = module.eks.cluster_name
}

output "ecr_repository_urls" {
  description = "ECR repository URL by name: the charts' image.registry/image.repository."
  value       = module.ecr.repository_urls
}

output "ecr_registry" {
  description = "ECR registry host of the account and region (values-eks.yaml image.registry)."
  value       = "${module.ecr.registry_id}.dkr.ecr.${var.region}.amazonaws.com"
}

output "cluster_autoscaler_role_arn" {
  description = "IRSA role of Cluster Autoscaler: its Helm value rbac.serviceAccount.annotations (docs/deployment-plan.md)."
  value       = module.eks.cluster_autoscaler_role_arn
}

output "lb_controller_role_arn" {
  description = "IRSA role of the AWS Load Balancer Controller."
  value       = module.eks.lb_controller_role_arn
}

output "ci_deploy_role_arn" {
  description = "Role the CD workflow assumes (GitHub environment var AWS_DEPLOY_ROLE_ARN)."
  value       = module.ci_deploy.role_arn
}

output "ci_plan_role_arn" {
  description = "Role the Terraform plan job assumes (GitHub var AWS_PLAN_ROLE_ARN)."
  value       = module.ci_plan.role_arn
}

output "ci_apply_role_arn" {
  description = "Role the Terraform apply job assumes (GitHub environment <env>-infra var AWS_APPLY_ROLE_ARN)."
  value       = module.ci_apply.role_arn
}

output "database_endpoint" {
  description = "DocumentDB writer endpoint."
  value       = module.database.endpoint
}

output "database_secret_arn" {
  description = "Secrets Manager secret of the DocumentDB master credentials (AWS-managed, rotated)."
  value       = module.database.master_user_secret_arn
}

output "database_connection_parameter" {
  description = "SSM parameter with the connection settings (no credentials)."
  value       = module.database.connection_parameter_name
}

output "private_subnet_cidrs" {
  description = "Private subnet CIDRs (node-app's NetworkPolicy database egress)."
  value       = module.network.private_subnet_cidrs
}

output "alarm_topic_arn" {
  description = "SNS topic of the alarms."
  value       = module.observability.topic_arn
}

output "vpc_id" {
  description = "VPC of the cluster (the AWS Load Balancer Controller's Helm value vpcId)."
  value       = module.network.vpc_id
}

output "region" {
  description = "Region of the environment (the AWS Load Balancer Controller's Helm value region)."
  value       = var.region
}

output "ci_permissions_boundary_arn" {
  description = "Permissions boundary of the CI roles and of every role they create."
  value       = module.boundary.policy_arn
}

output "certificate_arn" {
  description = "ACM certificate of the ALBs (chart value service.ingress.alb.certificateArn); validate it with certificate_validation_records."
  value       = module.edge.certificate_arn
}

output "certificate_validation_records" {
  description = "DNS records that validate the certificate."
  value       = module.edge.certificate_validation_records
}

output "web_acl_arn" {
  description = "WAF web ACL of the ALBs (chart value service.ingress.alb.wafv2AclArn)."
  value       = module.edge.web_acl_arn
}

output "alb_access_logs_bucket" {
  description = "Bucket of the ALBs' access logs (chart value service.ingress.alb.accessLogsBucket)."
  value       = module.edge.access_logs_bucket
}

output "cloudtrail_bucket" {
  description = "Bucket of the account's CloudTrail files (module audit)."
  value       = module.audit.bucket
}

output "data_api_table_name" {
  description = "DynamoDB table of data-api."
  value       = module.data_api_table.table_name
}

output "data_api_url" {
  description = "data-api's HTTPS URL (null until its first image digest is applied)."
  value       = try(module.data_api[0].url, null)
}

output "data_api_ecs" {
  description = "data-api's ECS cluster, service and task definition family, for the deploy job (null until its first digest)."
  value = try({
    cluster     = module.data_api[0].cluster_name
    service     = module.data_api[0].service_name
    task_family = module.data_api[0].task_family
  }, null)
}

output "pmp_api_domain_name" {
  description = "Seed 004's API (its custom domain)."
  value       = module.pmp_api.api_domain_name
}

output "pmp_gitlab_deployer" {
  description = "The IAM user GitLab deploys seed 004's function with."
  value       = module.pmp_api.deployer_user_name
}
