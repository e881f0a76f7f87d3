# Synthetic checks from outside: Route 53's health checkers call each public endpoint over HTTPS
# every 30 s from three regions, as a customer would; an endpoint that fails for two minutes pages
# (severity page), whatever the cause inside (docs/answers.md, question 2). Route 53 publishes the
# health checks' metrics in us-east-1 only, so this module is applied with a us-east-1 provider, and
# its alarms notify a topic of their own there, subscribed by the same pager and e-mails as the
# environment's paging topic.

data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

resource "aws_route53_health_check" "this" {
  for_each = var.checks

  fqdn              = each.value.fqdn
  port              = 443
  type              = "HTTPS"
  resource_path     = each.value.path
  enable_sni        = true
  request_interval  = 30
  failure_threshold = 3
  measure_latency   = true
  regions           = var.checker_regions

  tags = {
    Name = "${var.name}-${each.key}"
  }
}

# CloudWatch may publish to the topic only under a customer-managed key whose policy lets it (a key
# policy's "*" is the key itself). Plain JSON, as in module observability, so a test can read it.
locals {
  topic_key_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "Account"
        Effect    = "Allow"
        Principal = { AWS = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "CloudWatchPublishes"
        Effect    = "Allow"
        Principal = { Service = "cloudwatch.amazonaws.com" }
        Action    = ["kms:Decrypt", "kms:GenerateDataKey*"]
        Resource  = "*"
      },
    ]
  })
}

resource "aws_kms_key" "topic" {
  description             = "Encrypts ${var.name}'s uptime alarm topic"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = local.topic_key_policy
}

resource "aws_sns_topic" "page" {
  name              = "${var.name}-uptime"
  kms_master_key_id = aws_kms_key.topic.arn
}

resource "aws_sns_topic_subscription" "pager" {
  count = var.pager_https_endpoint == null ? 0 : 1

  topic_arn              = aws_sns_topic.page.arn
  protocol               = "https"
  endpoint               = var.pager_https_endpoint
  endpoint_auto_confirms = true
}

resource "aws_sns_topic_subscription" "email" {
  for_each = toset(var.alarm_emails)

  topic_arn = aws_sns_topic.page.arn
  protocol  = "email"
  endpoint  = each.value
}

resource "aws_cloudwatch_metric_alarm" "down" {
  for_each = var.checks

  alarm_name          = "${var.name}-${each.key}-down"
  alarm_description   = "https://${each.value.fqdn}${each.value.path} failed from Route 53's checkers for 2 minutes. Runbook: docs/runbooks.md#an-endpoint-is-down-alarm-app-down"
  namespace           = "AWS/Route53"
  metric_name         = "HealthCheckStatus"
  dimensions          = { HealthCheckId = aws_route53_health_check.this[each.key].id }
  statistic           = "Minimum"
  period              = 60
  evaluation_periods  = 2
  threshold           = 1
  comparison_operator = "LessThanThreshold"
  treat_missing_data  = "breaching"
  alarm_actions       = [aws_sns_topic.page.arn]
  ok_actions          = [aws_sns_topic.page.arn]

  tags = {
    Severity = "page"
  }
}
