# One HTTP service on ECS Fargate: its cluster, a task definition that names the image by digest,
# and a service behind the load balancer of alb.tf that rolls back a deployment whose tasks never
# become healthy (the deployment circuit breaker).

data "aws_region" "current" {}

locals {
  image = "${var.image_repository_url}@${var.image_digest}"
  # The app's name inside the task definition and in the load balancer's target.
  container = "app"
}

resource "aws_ecs_cluster" "this" {
  name = var.name

  setting {
    name  = "containerInsights"
    value = "enabled"
  }

  tags = var.tags
}

resource "aws_ecs_cluster_capacity_providers" "this" {
  cluster_name       = aws_ecs_cluster.this.name
  capacity_providers = ["FARGATE"]

  default_capacity_provider_strategy {
    capacity_provider = "FARGATE"
    weight            = 1
  }
}

resource "aws_ecs_task_definition" "this" {
  family                   = var.name
  requires_compatibilities = ["FARGATE"]
  network_mode             = "awsvpc"
  cpu                      = var.cpu
  memory                   = var.memory
  execution_role_arn       = aws_iam_role.execution.arn
  task_role_arn            = aws_iam_role.task.arn

  runtime_platform {
    operating_system_family = "LINUX"
    cpu_architecture        = "X86_64"
  }

  container_definitions = jsonencode([{
    name                   = local.container
    image                  = local.image
    essential              = true
    readonlyRootFilesystem = true
    user                   = "65532:65532" # distroless nonroot, as in the image
    stopTimeout            = var.stop_timeout
    portMappings           = [{ containerPort = var.container_port, protocol = "tcp" }]
    environment = [for k in sort(keys(var.environment)) : {
      name  = k
      value = var.environment[k]
    }]
    logConfiguration = {
      logDriver = "awslogs"
      options = {
        awslogs-group         = var.log_group_name
        awslogs-region        = data.aws_region.current.region
        awslogs-stream-prefix = var.name
      }
    }
  }])

  tags = var.tags
}

resource "aws_ecs_service" "this" {
  name                              = var.name
  cluster                           = aws_ecs_cluster.this.id
  task_definition                   = aws_ecs_task_definition.this.arn
  desired_count                     = var.desired_count
  launch_type                       = "FARGATE"
  platform_version                  = "LATEST"
  health_check_grace_period_seconds = 30
  propagate_tags                    = "SERVICE"
  enable_execute_command            = false
  wait_for_steady_state             = true

  # A new revision's tasks start beside the old ones (200 %) and the old ones stop only once the
  # new ones are healthy in the target group (100 % stay), so a deployment drops no request.
  deployment_minimum_healthy_percent = 100
  deployment_maximum_percent         = 200

  deployment_circuit_breaker {
    enable   = true
    rollback = true
  }

  network_configuration {
    subnets          = var.private_subnet_ids
    security_groups  = [aws_security_group.service.id]
    assign_public_ip = false
  }

  load_balancer {
    target_group_arn = aws_lb_target_group.this.arn
    container_name   = local.container
    container_port   = var.container_port
  }

  # Autoscaling owns the count once the service exists.
  lifecycle {
    ignore_changes = [desired_count]
  }

  depends_on = [aws_lb_listener.https]

  tags = var.tags
}
