# The dev and prod environments compose the same modules; only terraform.tfvars and the backend differ.
locals {
  name         = "${var.project}-${var.environment}"
  cluster_name = local.name
  namespace    = "apps"
  # The account's other environment: dev's CI roles must not reach prod's resources, and back.
  other_environments = [for e in ["dev", "prod"] : e if e != var.environment]
  # Each alarm links the section of docs/runbooks.md that says what to do (kit/test/docs checks the anchors).
  runbooks = "https://github.com/${var.github_repository}/blob/main/docs/runbooks.md"

  app_alarms = merge([for app, alb in var.alb_arn_suffixes : {
    "${app}-alb-5xx" = {
      description         = "${app}: targets answered 5xx"
      namespace           = "AWS/ApplicationELB"
      metric_name         = "HTTPCode_Target_5XX_Count"
      dimensions          = { LoadBalancer = alb.load_balancer }
      statistic           = "Sum"
      threshold           = 5
      comparison_operator = "GreaterThanThreshold"
      treat_missing_data  = "notBreaching"
      severity            = "page"
      runbook             = "${local.runbooks}#alb-5xx-latency-unhealthy-targets-alarms-app-alb-"
    }
    "${app}-alb-latency" = {
      description         = "${app}: p99-ish latency (average target response time) above 1 s"
      namespace           = "AWS/ApplicationELB"
      metric_name         = "TargetResponseTime"
      dimensions          = { LoadBalancer = alb.load_balancer }
      threshold           = 1
      comparison_operator = "GreaterThanThreshold"
      severity            = "page"
      runbook             = "${local.runbooks}#alb-5xx-latency-unhealthy-targets-alarms-app-alb-"
    }
    "${app}-alb-unhealthy-hosts" = {
      description = "${app}: a target is unhealthy"
      namespace   = "AWS/ApplicationELB"
      metric_name = "UnHealthyHostCount"
      # UnHealthyHostCount exists only per target group: without TargetGroup the alarm has no data.
      dimensions          = { LoadBalancer = alb.load_balancer, TargetGroup = alb.target_group }
      statistic           = "Maximum"
      threshold           = 0
      comparison_operator = "GreaterThanThreshold"
      severity            = "page"
      runbook             = "${local.runbooks}#alb-5xx-latency-unhealthy-targets-alarms-app-alb-"
    }
  }]...)
}

data "aws_caller_identity" "current" {}

# Caps the CI roles and every role they create: nothing of the other environment, no self-change,
# no escalation (a created role carries the same boundary).
module "boundary" {
  source = "../../modules/boundary"

  name                    = local.name
  environment             = var.environment
  other_environment_names = [for e in local.other_environments : "${var.project}-${e}"]
  state_bucket            = var.state_bucket
  other_state_prefixes    = local.other_environments
}

module "network" {
  source = "../../modules/network"

  name                     = local.name
  cidr                     = var.vpc_cidr
  azs                      = var.azs
  single_nat_gateway       = var.single_nat_gateway
  cluster_name             = local.cluster_name
  flow_log_retention_days  = var.log_retention_days
  permissions_boundary_arn = module.boundary.policy_arn
}

module "ecr" {
  source = "../../modules/ecr"

  # Per environment (kit-dev/go-app, kit-prod/go-app): dev and prod may share an account.
  repositories = toset([for app in setunion(var.apps, ["data-api"]) : "${local.name}/${app}"])
}

module "eks" {
  source = "../../modules/eks"

  cluster_name                 = local.cluster_name
  kubernetes_version           = var.kubernetes_version
  vpc_id                       = module.network.vpc_id
  subnet_ids                   = module.network.private_subnet_ids
  endpoint_public_access_cidrs = var.endpoint_public_access_cidrs
  node_groups                  = var.node_groups
  # CD (kit promote, with the apply role) installs and upgrades releases and may create what the
  # cluster needs; with bootstrap_cluster_creator_admin_permissions off, only these entries get in.
  admin_principals         = merge(var.admin_principals, { cd = module.ci_apply.role_arn })
  deploy_principals        = { ci = module.ci_deploy.role_arn }
  permissions_boundary_arn = module.boundary.policy_arn
  app_namespaces           = [local.namespace]
  log_retention_days       = var.log_retention_days
}

module "database" {
  source = "../../modules/database"

  name                       = "${local.name}-orders"
  vpc_id                     = module.network.vpc_id
  subnet_ids                 = module.network.private_subnet_ids
  allowed_security_group_ids = { eks-nodes = module.eks.node_security_group_id, db-access = module.db_access.security_group_id }
  instance_class             = var.db_instance_class
  instance_count             = var.db_instance_count
  backup_retention_days      = var.db_backup_retention_days
  deletion_protection        = var.db_deletion_protection
  log_retention_days         = var.log_retention_days
}

# CD: push images, read the database connection, deploy with Helm. Only jobs of the GitHub
# environment named like this one (protected by required reviewers) can assume it.
module "ci_deploy" {
  source = "../../modules/iam"

  name                     = "${local.name}-ci-deploy"
  create_oidc_provider     = var.create_github_oidc_provider
  oidc_provider_arn        = var.github_oidc_provider_arn
  github_repository        = var.github_repository
  github_subjects          = ["environment:${var.environment}"]
  permissions_boundary_arn = module.boundary.policy_arn
  policy_statements = [
    {
      sid       = "EcrLogin"
      actions   = ["ecr:GetAuthorizationToken"]
      resources = ["*"]
    },
    {
      sid = "EcrPushPull"
      actions = [
        "ecr:BatchCheckLayerAvailability", "ecr:InitiateLayerUpload", "ecr:UploadLayerPart",
        "ecr:CompleteLayerUpload", "ecr:PutImage", "ecr:BatchGetImage", "ecr:DescribeImages",
        "ecr:DescribeImageScanFindings",
      ]
      resources = values(module.ecr.repository_arns)
    },
    {
      sid       = "EksKubeconfig"
      actions   = ["eks:DescribeCluster"]
      resources = [module.eks.cluster_arn]
    },
    {
      sid       = "DatabaseConnection"
      actions   = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]
      resources = [module.database.master_user_secret_arn]
    },
    {
      sid       = "DatabaseSettings"
      actions   = ["ssm:GetParameter"]
      resources = ["arn:aws:ssm:${var.region}:${data.aws_caller_identity.current.account_id}:parameter${module.database.connection_parameter_name}"]
    },
  ]
}

# Terraform plan on pull requests and main: read-only, plus the state and its lock file.
module "ci_plan" {
  source = "../../modules/iam"

  name                     = "${local.name}-ci-terraform-plan"
  create_oidc_provider     = false
  oidc_provider_arn        = module.ci_deploy.oidc_provider_arn
  github_repository        = var.github_repository
  github_subjects          = ["pull_request", "ref:refs/heads/main"]
  managed_policy_arns      = ["arn:aws:iam::aws:policy/ReadOnlyAccess"]
  permissions_boundary_arn = module.boundary.policy_arn
  # Reads state and takes the lock, never writes state (the state bucket's policy denies it too).
  policy_statements = [
    {
      sid       = "StateList"
      actions   = ["s3:ListBucket"]
      resources = ["arn:aws:s3:::${var.state_bucket}"]
    },
    {
      sid       = "StateRead"
      actions   = ["s3:GetObject"]
      resources = ["arn:aws:s3:::${var.state_bucket}/${var.environment}/*"]
    },
    {
      sid       = "StateLock"
      actions   = ["s3:PutObject", "s3:DeleteObject"]
      resources = ["arn:aws:s3:::${var.state_bucket}/${var.environment}/terraform.tfstate.tflock"]
    },
    {
      sid       = "StateKey"
      actions   = ["kms:Decrypt", "kms:Encrypt", "kms:GenerateDataKey"]
      resources = [var.state_kms_key_arn]
    },
  ]
}

# Terraform apply and CD: only jobs of the protected GitHub environments "<env>" (cd.yml's promote
# job: kit promote applies Terraform, pushes to ECR and deploys) and "<env>-infra" (required reviewers
# approve first). Broad by necessity (it manages the whole environment), but under the boundary: not
# the other environment, not itself, and every role it creates carries the same boundary.
module "ci_apply" {
  source = "../../modules/iam"

  name                     = "${local.name}-ci-terraform-apply"
  create_oidc_provider     = false
  oidc_provider_arn        = module.ci_deploy.oidc_provider_arn
  github_repository        = var.github_repository
  github_subjects          = ["environment:${var.environment}", "environment:${var.environment}-infra"]
  managed_policy_arns      = ["arn:aws:iam::aws:policy/PowerUserAccess"]
  permissions_boundary_arn = module.boundary.policy_arn
  policy_statements = [
    {
      sid = "ProjectIam"
      actions = [
        "iam:CreateRole", "iam:DeleteRole", "iam:GetRole", "iam:UpdateRole", "iam:TagRole", "iam:UntagRole",
        "iam:UpdateAssumeRolePolicy", "iam:PutRolePolicy", "iam:GetRolePolicy", "iam:DeleteRolePolicy",
        "iam:AttachRolePolicy", "iam:DetachRolePolicy", "iam:ListRolePolicies", "iam:ListAttachedRolePolicies",
        "iam:ListInstanceProfilesForRole", "iam:PassRole", "iam:PutRolePermissionsBoundary",
        "iam:CreatePolicy", "iam:DeletePolicy", "iam:GetPolicy", "iam:GetPolicyVersion", "iam:CreatePolicyVersion",
        "iam:DeletePolicyVersion", "iam:ListPolicyVersions", "iam:TagPolicy", "iam:UntagPolicy",
      ]
      resources = [
        "arn:aws:iam::${data.aws_caller_identity.current.account_id}:role/${local.name}-*",
        "arn:aws:iam::${data.aws_caller_identity.current.account_id}:policy/${local.name}-*",
      ]
    },
    {
      sid = "OidcProviders"
      actions = [
        "iam:CreateOpenIDConnectProvider", "iam:DeleteOpenIDConnectProvider", "iam:GetOpenIDConnectProvider",
        "iam:TagOpenIDConnectProvider", "iam:UpdateOpenIDConnectProviderThumbprint", "iam:AddClientIDToOpenIDConnectProvider",
      ]
      resources = ["arn:aws:iam::${data.aws_caller_identity.current.account_id}:oidc-provider/*"]
    },
    {
      sid       = "ServiceLinkedRoles"
      actions   = ["iam:CreateServiceLinkedRole"]
      resources = ["arn:aws:iam::${data.aws_caller_identity.current.account_id}:role/aws-service-role/*"]
    },
  ]
}

# The public edge of the apps' ALBs: the HTTPS certificate, the WAF web ACL with its per-IP rate
# limit, and the access log bucket (kit promote sets them as chart values: kit.config.yaml).
module "edge" {
  source = "../../modules/edge"

  name                      = local.name
  domain_name               = var.domain_name
  subject_alternative_names = [for app in sort(setunion(var.apps, ["data-api", "pmp"])) : "${app}.${var.domain_name}"]
  access_log_retention_days = var.log_retention_days
}

# CloudTrail: every region's management events and the state bucket's object reads and writes,
# encrypted, validated and kept a year (the state module's missing access log relies on it).
module "audit" {
  source = "../../modules/audit"

  name                     = local.name
  data_event_bucket_arns   = ["arn:aws:s3:::${var.state_bucket}"]
  log_group_retention_days = var.log_retention_days
  permissions_boundary_arn = module.boundary.policy_arn
}

# PCI DSS 10.5.1: the apps' logs (their access logs included) kept a year under Object Lock in
# compliance mode, three months in S3 and the rest in Glacier (docs/answers.md, question 4).
module "log_archive" {
  source = "../../modules/log-archive"

  name            = local.name
  retention_years = var.log_archive_years
  log_groups = [
    module.observability.log_group_names["/aws/containerinsights/${local.cluster_name}/application"],
    module.observability.log_group_names[local.data_api_log_group],
  ]
}

module "observability" {
  source = "../../modules/observability"

  name                 = local.name
  alarm_emails         = var.alarm_emails
  pager_https_endpoint = var.pager_https_endpoint
  ticket_emails        = var.ticket_emails
  log_groups = {
    "/aws/containerinsights/${local.cluster_name}/application" = var.log_retention_days
    "/aws/containerinsights/${local.cluster_name}/dataplane"   = 30
    "/aws/containerinsights/${local.cluster_name}/host"        = 30
    "/aws/containerinsights/${local.cluster_name}/performance" = 30
    (local.data_api_log_group)                                 = var.log_retention_days
  }
  alarms = merge(local.app_alarms, module.order_canary.alarms, {
    eks-failed-nodes = {
      description         = "A node of ${local.cluster_name} is not Ready"
      namespace           = "ContainerInsights"
      metric_name         = "cluster_failed_node_count"
      dimensions          = { ClusterName = local.cluster_name }
      statistic           = "Maximum"
      threshold           = 0
      comparison_operator = "GreaterThanThreshold"
      severity            = "ticket"
      runbook             = "${local.runbooks}#node-not-ready-alarm-eks-failed-nodes"
    }
    eks-node-cpu = {
      description         = "Nodes of ${local.cluster_name} run hot: scale the node group"
      namespace           = "ContainerInsights"
      metric_name         = "node_cpu_utilization"
      dimensions          = { ClusterName = local.cluster_name }
      threshold           = 80
      comparison_operator = "GreaterThanThreshold"
      severity            = "ticket"
      runbook             = "${local.runbooks}#node-cpu-high-alarm-eks-node-cpu"
    }
    go-app-restarts = {
      description         = "go-app containers restart (crash loop or failed liveness)"
      namespace           = "ContainerInsights"
      metric_name         = "pod_number_of_container_restarts"
      dimensions          = { ClusterName = local.cluster_name, Namespace = local.namespace, PodName = "go-app" }
      statistic           = "Maximum"
      threshold           = 0
      comparison_operator = "GreaterThanThreshold"
      treat_missing_data  = "notBreaching"
      severity            = "ticket"
      runbook             = "${local.runbooks}#pods-restart-alarm-app-restarts"
    }
    node-app-restarts = {
      description         = "node-app containers restart (crash loop or failed liveness)"
      namespace           = "ContainerInsights"
      metric_name         = "pod_number_of_container_restarts"
      dimensions          = { ClusterName = local.cluster_name, Namespace = local.namespace, PodName = "node-app" }
      statistic           = "Maximum"
      threshold           = 0
      comparison_operator = "GreaterThanThreshold"
      treat_missing_data  = "notBreaching"
      severity            = "ticket"
      runbook             = "${local.runbooks}#pods-restart-alarm-app-restarts"
    }
    docdb-cpu = {
      description         = "DocumentDB ${module.database.cluster_id} CPU above 80%"
      namespace           = "AWS/DocDB"
      metric_name         = "CPUUtilization"
      dimensions          = { DBClusterIdentifier = module.database.cluster_id }
      threshold           = 80
      comparison_operator = "GreaterThanThreshold"
      severity            = "ticket"
      runbook             = "${local.runbooks}#database-unreachable-or-slow-node-app-not-ready-alarms-docdb-"
    }
    docdb-freeable-memory = {
      description         = "DocumentDB ${module.database.cluster_id} below 256 MiB freeable memory"
      namespace           = "AWS/DocDB"
      metric_name         = "FreeableMemory"
      dimensions          = { DBClusterIdentifier = module.database.cluster_id }
      threshold           = 268435456
      comparison_operator = "LessThanThreshold"
      severity            = "ticket"
      runbook             = "${local.runbooks}#database-unreachable-or-slow-node-app-not-ready-alarms-docdb-"
    }
  }, module.pmp_api.alarms, local.pmp_database_alarms, [for m in module.data_api : m.alarms]...)
}
