# What an operator looks at first: traffic, errors and latency at the ALB, the tasks' health and
# count, and their CPU and memory; and the alarms on the same signals, in the shape module
# observability's `alarms` takes (it owns the topic they notify).

locals {
  tg_dims  = { LoadBalancer = aws_lb.this.arn_suffix, TargetGroup = aws_lb_target_group.this.arn_suffix }
  ecs_dims = { ClusterName = aws_ecs_cluster.this.name, ServiceName = aws_ecs_service.this.name }
  region   = data.aws_region.current.region
  # The same dimensions as a dashboard metric's name/value list.
  tg_metric = flatten([for name in ["LoadBalancer", "TargetGroup"] : [name, local.tg_dims[name]]])

  alarms = {
    "${var.name}-5xx" = {
      description         = "${var.name}: the tasks answered 5xx to more than 5 requests a minute for 5 minutes."
      namespace           = "AWS/ApplicationELB"
      metric_name         = "HTTPCode_Target_5XX_Count"
      dimensions          = local.tg_dims
      statistic           = "Sum"
      threshold           = 5
      comparison_operator = "GreaterThanThreshold"
      treat_missing_data  = "notBreaching"
      severity            = "page"
      runbook             = var.runbook_url
    }
    "${var.name}-unhealthy" = {
      description         = "${var.name}: a task failed the ALB's health check for 3 minutes."
      namespace           = "AWS/ApplicationELB"
      metric_name         = "UnHealthyHostCount"
      dimensions          = local.tg_dims
      statistic           = "Maximum"
      evaluation_periods  = 3
      threshold           = 0
      comparison_operator = "GreaterThanThreshold"
      treat_missing_data  = "notBreaching"
      severity            = "page"
      runbook             = var.runbook_url
    }
    "${var.name}-latency" = {
      description         = "${var.name}: p99 response time above 1 s for 5 minutes."
      namespace           = "AWS/ApplicationELB"
      metric_name         = "TargetResponseTime"
      dimensions          = local.tg_dims
      extended_statistic  = "p99"
      threshold           = 1
      comparison_operator = "GreaterThanThreshold"
      treat_missing_data  = "notBreaching"
      severity            = "page"
      runbook             = var.runbook_url
    }
    "${var.name}-cpu" = {
      description         = "${var.name}: average CPU above 85 % for 5 minutes (autoscaling is at max_count or too slow)."
      namespace           = "AWS/ECS"
      metric_name         = "CPUUtilization"
      dimensions          = local.ecs_dims
      threshold           = 85
      comparison_operator = "GreaterThanThreshold"
      severity            = "ticket"
      runbook             = var.runbook_url
    }
    "${var.name}-memory" = {
      description         = "${var.name}: average memory above 85 % for 5 minutes."
      namespace           = "AWS/ECS"
      metric_name         = "MemoryUtilization"
      dimensions          = local.ecs_dims
      threshold           = 85
      comparison_operator = "GreaterThanThreshold"
      severity            = "ticket"
      runbook             = var.runbook_url
    }
  }
}

resource "aws_cloudwatch_dashboard" "this" {
  dashboard_name = var.name
  dashboard_body = jsonencode({
    widgets = [
      {
        type = "metric", x = 0, y = 0, width = 12, height = 6
        properties = {
          title = "Requests and errors", region = local.region, stat = "Sum", period = 60
          metrics = [
            ["AWS/ApplicationELB", "RequestCount", "LoadBalancer", aws_lb.this.arn_suffix],
            concat(["AWS/ApplicationELB", "HTTPCode_Target_5XX_Count"], local.tg_metric),
            concat(["AWS/ApplicationELB", "HTTPCode_Target_4XX_Count"], local.tg_metric),
            ["AWS/ApplicationELB", "HTTPCode_ELB_5XX_Count", "LoadBalancer", aws_lb.this.arn_suffix],
          ]
        }
      },
      {
        type = "metric", x = 12, y = 0, width = 12, height = 6
        properties = {
          title = "Response time (p50, p99)", region = local.region, period = 60
          metrics = [
            concat(["AWS/ApplicationELB", "TargetResponseTime"], local.tg_metric, [{ stat = "p50" }]),
            concat(["AWS/ApplicationELB", "TargetResponseTime"], local.tg_metric, [{ stat = "p99" }]),
          ]
        }
      },
      {
        type = "metric", x = 0, y = 6, width = 12, height = 6
        properties = {
          title = "Tasks: healthy, unhealthy, running", region = local.region, stat = "Maximum", period = 60
          metrics = [
            concat(["AWS/ApplicationELB", "HealthyHostCount"], local.tg_metric),
            concat(["AWS/ApplicationELB", "UnHealthyHostCount"], local.tg_metric),
            ["ECS/ContainerInsights", "RunningTaskCount", "ClusterName", aws_ecs_cluster.this.name, "ServiceName", aws_ecs_service.this.name],
          ]
        }
      },
      {
        type = "metric", x = 12, y = 6, width = 12, height = 6
        properties = {
          title = "CPU and memory (%)", region = local.region, stat = "Average", period = 60
          metrics = [
            ["AWS/ECS", "CPUUtilization", "ClusterName", aws_ecs_cluster.this.name, "ServiceName", aws_ecs_service.this.name],
            ["AWS/ECS", "MemoryUtilization", "ClusterName", aws_ecs_cluster.this.name, "ServiceName", aws_ecs_service.this.name],
          ]
        }
      },
    ]
  })
}
