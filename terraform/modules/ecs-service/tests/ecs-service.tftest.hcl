mock_provider "aws" {
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }

  mock_data "aws_region" {
    defaults = {
      region = "eu-west-1"
    }
  }

  mock_data "aws_partition" {
    defaults = {
      partition = "aws"
    }
  }

  mock_data "aws_caller_identity" {
    defaults = {
      account_id = "123456789012"
    }
  }
}

variables {
  name                 = "kit-dev-data-api"
  image_repository_url = "123456789012.dkr.ecr.eu-west-1.amazonaws.com/kit-dev/data-api"
  image_digest         = "sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
  environment          = { DYNAMODB_TABLE = "kit-dev-data-api-items", AWS_REGION = "eu-west-1" }
  vpc_id               = "vpc-0123456789abcdef0"
  public_subnet_ids    = ["subnet-a", "subnet-b"]
  private_subnet_ids   = ["subnet-c", "subnet-d"]
  certificate_arn      = "arn:aws:acm:eu-west-1:123456789012:certificate/00000000-0000-0000-0000-000000000000"
  web_acl_arn          = "arn:aws:wafv2:eu-west-1:123456789012:regional/webacl/kit-dev/00000000"
  access_logs_bucket   = "kit-dev-alb-access-logs"
  zone_id              = "Z0123456789ABCDEFGHIJ"
  domain_name          = "data-api.dev.example.com"
  log_group_name       = "/kit-dev/data-api"
  table_arn            = "arn:aws:dynamodb:eu-west-1:123456789012:table/kit-dev-data-api-items"
}

run "task_definition_runs_the_image_by_digest" {
  command = plan

  assert {
    condition     = jsondecode(aws_ecs_task_definition.this.container_definitions)[0].image == "123456789012.dkr.ecr.eu-west-1.amazonaws.com/kit-dev/data-api@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"
    error_message = "The container must name the image by repository and digest."
  }

  assert {
    condition     = aws_ecs_task_definition.this.requires_compatibilities == toset(["FARGATE"]) && aws_ecs_task_definition.this.network_mode == "awsvpc"
    error_message = "The task must run on Fargate in awsvpc mode."
  }

  assert {
    condition     = jsondecode(aws_ecs_task_definition.this.container_definitions)[0].readonlyRootFilesystem && jsondecode(aws_ecs_task_definition.this.container_definitions)[0].user == "65532:65532"
    error_message = "The container must run as the image's nonroot user on a read-only root filesystem."
  }

  assert {
    condition     = jsondecode(aws_ecs_task_definition.this.container_definitions)[0].environment == [{ name = "AWS_REGION", value = "eu-west-1" }, { name = "DYNAMODB_TABLE", value = "kit-dev-data-api-items" }]
    error_message = "The container's environment must be the given variables, sorted by name."
  }

  assert {
    condition     = jsondecode(aws_ecs_task_definition.this.container_definitions)[0].logConfiguration.options["awslogs-group"] == "/kit-dev/data-api"
    error_message = "The container must log to the given log group."
  }
}

run "service_rolls_back_and_keeps_capacity" {
  command = plan

  assert {
    condition     = aws_ecs_service.this.deployment_circuit_breaker[0].enable && aws_ecs_service.this.deployment_circuit_breaker[0].rollback
    error_message = "A failed deployment must be rolled back by the circuit breaker."
  }

  assert {
    condition     = aws_ecs_service.this.deployment_minimum_healthy_percent == 100 && aws_ecs_service.this.deployment_maximum_percent == 200
    error_message = "A deployment must keep every old task until the new ones are healthy."
  }

  assert {
    condition     = one(aws_ecs_service.this.network_configuration).assign_public_ip == false && one(aws_ecs_service.this.network_configuration).subnets == toset(["subnet-c", "subnet-d"])
    error_message = "Tasks must run in the private subnets without public IPs."
  }

  assert {
    condition     = one(aws_ecs_service.this.load_balancer).container_port == 8080 && one(aws_ecs_service.this.load_balancer).container_name == "app"
    error_message = "The service must register the app's port in the target group."
  }

  assert {
    condition     = aws_ecs_cluster.this.setting == toset([{ name = "containerInsights", value = "enabled" }])
    error_message = "Container Insights must be on."
  }
}

run "https_only_behind_waf_with_access_logs" {
  command = plan

  assert {
    condition     = aws_lb_listener.https.protocol == "HTTPS" && aws_lb_listener.https.certificate_arn == var.certificate_arn && startswith(aws_lb_listener.https.ssl_policy, "ELBSecurityPolicy-TLS13")
    error_message = "The HTTPS listener must use the given certificate and a TLS 1.3 policy."
  }

  assert {
    condition     = aws_lb_listener.http.default_action[0].type == "redirect" && aws_lb_listener.http.default_action[0].redirect[0].protocol == "HTTPS"
    error_message = "Port 80 must only redirect to HTTPS."
  }

  assert {
    condition     = aws_lb.this.drop_invalid_header_fields && aws_lb.this.access_logs[0].enabled && aws_lb.this.access_logs[0].bucket == var.access_logs_bucket
    error_message = "The ALB must drop invalid headers and write access logs."
  }

  assert {
    condition     = aws_wafv2_web_acl_association.this.web_acl_arn == var.web_acl_arn
    error_message = "The ALB must be behind the given WAF web ACL."
  }

  assert {
    condition     = aws_lb_target_group.this.target_type == "ip" && aws_lb_target_group.this.health_check[0].path == "/readyz" && aws_lb_target_group.this.health_check[0].timeout < aws_lb_target_group.this.health_check[0].interval
    error_message = "Targets must be the tasks' IPs, checked on readiness, with a timeout below the interval."
  }

  assert {
    condition     = module.dns.records["A"][0] == "data-api.dev.example.com" && module.dns.records["A"][1] == "PRIMARY" && module.dns.records["A"][3]
    error_message = "The domain must be the PRIMARY side of a failover alias to the ALB."
  }

  assert {
    condition     = aws_vpc_security_group_ingress_rule.tasks_from_alb.from_port == 8080 && aws_vpc_security_group_ingress_rule.tasks_from_alb.cidr_ipv4 == null
    error_message = "The tasks must accept their port from the load balancer's security group only."
  }
}

run "least_privilege_roles" {
  command = plan

  assert {
    condition     = jsonencode([for s in data.aws_iam_policy_document.execution.statement : tolist(s.resources)]) == jsonencode([["*"], ["arn:aws:ecr:eu-west-1:123456789012:repository/kit-dev/data-api"], ["arn:aws:logs:eu-west-1:123456789012:log-group:/kit-dev/data-api:*"]])
    error_message = "The execution role may log in to ECR, pull only its repository and write only its log group."
  }

  assert {
    condition     = jsonencode([for s in data.aws_iam_policy_document.task.statement : tolist(s.resources)]) == jsonencode([[var.table_arn]])
    error_message = "The task role may use its table only (and no key with the AWS-managed one)."
  }

  assert {
    condition     = alltrue([for s in data.aws_iam_policy_document.task.statement : alltrue([for a in s.actions : startswith(a, "dynamodb:") && !strcontains(a, "*")])])
    error_message = "The task role's actions must be named DynamoDB actions, no wildcards."
  }
}

run "customer_key_of_the_table" {
  command = plan

  variables {
    table_kms_key_arn = "arn:aws:kms:eu-west-1:123456789012:key/00000000-0000-0000-0000-000000000000"
  }

  assert {
    condition     = jsonencode([for s in data.aws_iam_policy_document.task.statement : tolist(s.resources)]) == jsonencode([[var.table_arn], [var.table_kms_key_arn]])
    error_message = "With a customer-managed table key, the task role may use that key."
  }
}

run "scales_on_cpu_and_requests" {
  command = plan

  assert {
    condition     = aws_appautoscaling_target.this.min_capacity == 2 && aws_appautoscaling_target.this.max_capacity == 6
    error_message = "Autoscaling must keep 2 to 6 tasks by default."
  }

  assert {
    condition     = aws_appautoscaling_policy.cpu.target_tracking_scaling_policy_configuration[0].predefined_metric_specification[0].predefined_metric_type == "ECSServiceAverageCPUUtilization"
    error_message = "One policy must track CPU."
  }

  assert {
    condition     = aws_appautoscaling_policy.requests.target_tracking_scaling_policy_configuration[0].predefined_metric_specification[0].predefined_metric_type == "ALBRequestCountPerTarget"
    error_message = "One policy must track ALB requests per task."
  }

  assert {
    condition     = toset(keys(output.alarms)) == toset(["kit-dev-data-api-5xx", "kit-dev-data-api-unhealthy", "kit-dev-data-api-latency", "kit-dev-data-api-cpu", "kit-dev-data-api-memory"])
    error_message = "The module must offer alarms on 5xx, unhealthy tasks, latency, CPU and memory."
  }
}

run "rejects_a_tag_instead_of_a_digest" {
  command = plan

  variables {
    image_digest = "latest"
  }

  expect_failures = [var.image_digest]
}

run "rejects_counts_out_of_order" {
  command = plan

  variables {
    min_count     = 3
    desired_count = 2
  }

  expect_failures = [aws_appautoscaling_target.this]
}
