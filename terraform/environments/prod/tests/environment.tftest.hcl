# The environment composed as a whole, planned against a mocked AWS provider with this directory's
# terraform.tfvars: names that keep dev and prod apart, the CI roles' limits, the cluster's admins
# and the alarms' dimensions. The same file is in environments/dev and environments/prod.
mock_provider "aws" {
  mock_data "aws_partition" {
    defaults = {
      partition = "aws"
    }
  }

  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "000000000000"
    }
  }

  # A mocked aws_iam_policy_document would return random text, which roles and policies refuse as JSON.
  # No data-api digest recorded yet, unless a run overrides it.
  mock_data "aws_ssm_parameters_by_path" {
    defaults = {
      names  = []
      values = []
    }
  }

  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }
}

# The disaster-recovery region's provider (backup copies) and us-east-1's (uptime checks).
mock_provider "aws" {
  alias = "dr"
}

mock_provider "aws" {
  alias = "us_east_1"
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "000000000000" }
  }
}

variables {
  alb_arn_suffixes = {
    go-app = { load_balancer = "app/k8s-apps-goapp/0123456789abcdef", target_group = "targetgroup/k8s-apps-goapp/0123456789abcdef" }
  }
}

run "names_are_per_environment" {
  command = plan

  assert {
    condition     = toset(keys(module.ecr.repository_arns)) == toset(["kit-${var.environment}/go-app", "kit-${var.environment}/node-app", "kit-${var.environment}/data-api"])
    error_message = "ECR repositories must be named per environment (kit-<env>/<app>), or the second environment's apply fails in a shared account."
  }
}

run "ci_roles_stay_in_their_environment" {
  command = plan

  assert {
    condition = anytrue([for s in jsondecode(module.boundary.policy).Statement :
      s.Effect == "Deny" && contains(flatten([s.Resource]), "arn:aws:iam::000000000000:role/kit-${var.environment == "dev" ? "prod" : "dev"}-*")
      && contains(flatten([s.Resource]), "arn:aws:s3:::${var.state_bucket}/${var.environment == "dev" ? "prod" : "dev"}/*")
    ])
    error_message = "The CI boundary must deny the other environment's roles and state."
  }

  assert {
    condition     = module.boundary.policy_arn == "arn:aws:iam::000000000000:policy/kit-${var.environment}-ci-boundary"
    error_message = "The boundary must be the environment's own."
  }
}

run "plan_role_never_writes_state" {
  command = plan

  assert {
    condition = alltrue([for s in jsondecode(module.ci_plan.policy).Statement :
      alltrue([for r in s.Resource : endswith(r, ".tflock")])
      if length(setintersection(toset(s.Action), toset(["s3:PutObject", "s3:DeleteObject", "s3:*"]))) > 0
    ])
    error_message = "The plan role (assumable from pull requests) may write only the lock file, never state."
  }
}

run "cd_reaches_the_cluster_as_admin" {
  command = plan

  assert {
    condition     = module.eks.access_entries["admin-cd"].policy == "AmazonEKSClusterAdminPolicy" && module.eks.access_entries["admin-platform"].policy == "AmazonEKSClusterAdminPolicy"
    error_message = "CD's role (kit promote installs releases) and the platform admins need cluster-admin access entries: the creator gets none."
  }

  assert {
    condition     = module.eks.access_entries["deploy-ci"].policy == "AmazonEKSEditPolicy"
    error_message = "The deploy role stays namespace-scoped."
  }
}

run "unhealthy_host_alarm_names_the_target_group" {
  command = plan

  assert {
    condition     = module.observability.alarm_dimensions["go-app-alb-unhealthy-hosts"]["TargetGroup"] == "targetgroup/k8s-apps-goapp/0123456789abcdef" && module.observability.alarm_dimensions["go-app-alb-unhealthy-hosts"]["LoadBalancer"] == "app/k8s-apps-goapp/0123456789abcdef"
    error_message = "UnHealthyHostCount is published per target group: the alarm needs TargetGroup and LoadBalancer."
  }
}

run "rejects_an_alb_suffix_without_target_group_form" {
  command = plan

  variables {
    alb_arn_suffixes = { go-app = { load_balancer = "app/x/1", target_group = "x" } }
  }

  expect_failures = [var.alb_arn_suffixes]
}

run "cloudtrail_records_the_state_buckets_object_access" {
  command = plan

  assert {
    condition     = contains(one(module.audit.trail_data_events.data_resource).values, "arn:aws:s3:::${var.state_bucket}/")
    error_message = "The trail must record reads and writes of the state bucket (the state module's bucket has no access log of its own)."
  }
}

run "data_api_has_its_registry_and_table_before_its_first_image" {
  command = plan

  assert {
    condition     = length(module.data_api) == 0 && module.data_api_table.table_name == "kit-${var.environment}-data-api-items"
    error_message = "Without an image digest the first apply creates data-api's repository and table, not its service (no chicken-and-egg)."
  }
}

run "data_api_runs_the_pushed_digest_on_ecs" {
  command = plan

  variables {
    data_api_image_digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
  }

  assert {
    condition     = module.data_api[0].url == "https://data-api.${var.domain_name}"
    error_message = "data-api must answer at data-api.<domain_name>."
  }

  assert {
    condition     = length(setsubtract(["kit-${var.environment}-data-api-5xx", "kit-${var.environment}-data-api-unhealthy", "kit-${var.environment}-data-api-latency"], keys(module.observability.alarm_dimensions))) == 0
    error_message = "data-api's alarms must be created on the environment's alarm topic."
  }
}

run "the_order_canary_places_an_order_and_pages_when_it_cannot" {
  command = plan

  assert {
    condition     = module.order_canary.canary_name == "kit-${var.environment}-orders" && contains(keys(module.observability.alarm_dimensions), "kit-${var.environment}-orders-canary")
    error_message = "The order canary runs on the public order API and its alarm is on the environment's topic."
  }
}

run "the_disaster_recovery_copy_answers_as_the_secondary" {
  command = plan

  variables {
    failover_role         = "SECONDARY"
    data_api_image_digest = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
  }

  assert {
    condition     = module.data_api[0].dns_records["A"][0] == "data-api.${var.domain_name}" && module.data_api[0].dns_records["A"][1] == "SECONDARY" && module.pmp_api.dns_records["A"][0] == "pmp.${var.domain_name}" && module.pmp_api.dns_records["A"][1] == "SECONDARY"
    error_message = "The copy in the DR region answers at the same public names as the SECONDARY of each failover pair."
  }
}

run "refuses_a_failover_role_route_53_does_not_know" {
  command = plan

  variables {
    failover_role = "STANDBY"
  }

  expect_failures = [var.failover_role]
}

run "data_api_keeps_the_digest_its_last_deploy_recorded" {
  command = plan

  override_data {
    target = data.aws_ssm_parameters_by_path.data_api
    values = {
      names  = ["/kit-this-environment/data-api/image-digest"]
      values = ["sha256:fedcba9876543210fedcba9876543210fedcba9876543210fedcba9876543210"]
    }
  }

  assert {
    condition     = length(module.data_api) == 1 && module.data_api[0].url == "https://data-api.${var.domain_name}"
    error_message = "An apply without data_api_image_digest (kit promote's) must keep the service the last deploy recorded, not destroy it."
  }
}

run "data_api_refuses_a_tag" {
  command = plan

  variables {
    data_api_image_digest = "latest"
  }

  expect_failures = [var.data_api_image_digest]
}

run "application_logs_go_to_the_locked_archive" {
  command = plan

  assert {
    condition     = toset(module.log_archive.subscribed_log_groups) == toset(["/aws/containerinsights/kit-${var.environment}/application", "/kit-${var.environment}/data-api"])
    error_message = "The apps' application logs and data-api's must stream into the Object Lock archive."
  }
}

run "customer_symptoms_page_causes_open_tickets" {
  command = plan

  assert {
    condition     = module.observability.alarm_severities["go-app-alb-5xx"] == "page" && module.observability.alarm_severities["go-app-alb-unhealthy-hosts"] == "page"
    error_message = "What customers feel (ALB 5xx, unhealthy targets) must page."
  }

  assert {
    condition     = alltrue([for name in ["eks-node-cpu", "eks-failed-nodes", "docdb-cpu", "go-app-restarts"] : module.observability.alarm_severities[name] == "ticket"])
    error_message = "Causes (node CPU, a lost node the cluster absorbs, database CPU, restarts) must open tickets, not page."
  }
}

run "pmp_api_function_reaches_its_database_through_the_proxy_only" {
  command = plan

  assert {
    condition     = join(",", module.pmp_database.client_names) == "db-access,lambda"
    error_message = "The function and the team's db-access host (SSM port forwarding) are the proxy's only clients."
  }

  assert {
    condition     = module.pmp_api.function_name == "pmp-api-${var.environment}-api" && module.pmp_api.ssm_prefix == "/kit-${var.environment}-pmp"
    error_message = "serverless.yml's names (service pmp-api, stage = environment) and parameters (/kit-<env>-pmp/...) per environment."
  }

  assert {
    condition     = contains(module.edge.certificate_domain_names, "pmp.${var.domain_name}")
    error_message = "The edge certificate names the API's custom domain."
  }

  assert {
    condition     = module.observability.alarm_severities["kit-${var.environment}-pmp-lambda-errors"] == "page" && module.observability.alarm_severities["kit-${var.environment}-pmp-db-cpu"] == "ticket"
    error_message = "The function's errors page; database CPU opens a ticket."
  }
}

run "every_public_endpoint_is_checked_from_outside_and_pages" {
  command = plan

  assert {
    condition     = module.uptime_alarms.alarm_severities == { data-api-down = "page", go-app-down = "page", node-app-down = "page", pmp-down = "page" }
    error_message = "go-app, node-app, data-api and pmp-api each have an external check that pages."
  }
}
