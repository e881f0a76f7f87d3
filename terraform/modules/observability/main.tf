data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  # Plain JSON (not aws_iam_policy_document) so `terraform test` can assert on the key policy in a plan.
  # CloudWatch cannot publish to a topic under the AWS managed key alias/aws/sns (its policy cannot be
  # changed): alarms need a customer managed key that lets cloudwatch.amazonaws.com use it.
  topic_key_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "AccountAdministers"
        Effect    = "Allow"
        Principal = { AWS = "arn:${data.aws_partition.current.partition}:iam::${data.aws_caller_identity.current.account_id}:root" }
        Action    = "kms:*"
        Resource  = "*"
      },
      {
        Sid       = "CloudWatchAlarmsPublish"
        Effect    = "Allow"
        Principal = { Service = "cloudwatch.amazonaws.com" }
        Action    = ["kms:Decrypt", "kms:GenerateDataKey*"]
        Resource  = "*"
        Condition = { StringEquals = { "aws:SourceAccount" = data.aws_caller_identity.current.account_id } }
      },
    ]
  })
}

resource "aws_kms_key" "this" {
  description             = "Encryption of the ${var.name} alarm topic (CloudWatch alarms may use it)"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = local.topic_key_policy

  tags = var.tags
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.name}-alarms"
  target_key_id = aws_kms_key.this.key_id
}

resource "aws_sns_topic" "this" {
  name              = "${var.name}-alarms"
  kms_master_key_id = aws_kms_key.this.arn

  tags = var.tags
}

resource "aws_sns_topic_subscription" "this" {
  for_each = var.alarm_emails

  topic_arn = aws_sns_topic.this.arn
  protocol  = "email"
  endpoint  = each.value
}

resource "aws_cloudwatch_log_group" "this" {
  for_each = var.log_groups

  name              = each.key
  retention_in_days = each.value
  kms_key_id        = var.kms_key_arn

  tags = var.tags
}

# Ticket-severity alarms: causes looked at in working hours, never a page.
resource "aws_sns_topic" "tickets" {
  name              = "${var.name}-tickets"
  kms_master_key_id = aws_kms_key.this.arn

  tags = var.tags
}

resource "aws_sns_topic_subscription" "tickets" {
  for_each = var.ticket_emails

  topic_arn = aws_sns_topic.tickets.arn
  protocol  = "email"
  endpoint  = each.value
}

# The paging service subscribes to the page topic; it acknowledges, escalates and keeps the rota.
resource "aws_sns_topic_subscription" "pager" {
  count = var.pager_https_endpoint == null ? 0 : 1

  topic_arn              = aws_sns_topic.this.arn
  protocol               = "https"
  endpoint               = var.pager_https_endpoint
  endpoint_auto_confirms = true
}

resource "aws_cloudwatch_metric_alarm" "this" {
  for_each = var.alarms

  alarm_name          = "${var.name}-${each.key}"
  alarm_description   = join(" ", compact([each.value.description, "Severity: ${each.value.severity}.", each.value.runbook == null ? null : "Runbook: ${each.value.runbook}"]))
  namespace           = each.value.namespace
  metric_name         = each.value.metric_name
  dimensions          = each.value.dimensions
  statistic           = each.value.extended_statistic == null ? each.value.statistic : null
  extended_statistic  = each.value.extended_statistic
  period              = each.value.period
  evaluation_periods  = each.value.evaluation_periods
  datapoints_to_alarm = each.value.datapoints_to_alarm
  threshold           = each.value.threshold
  comparison_operator = each.value.comparison_operator
  treat_missing_data  = each.value.treat_missing_data
  alarm_actions       = [each.value.severity == "page" ? aws_sns_topic.this.arn : aws_sns_topic.tickets.arn]
  ok_actions          = [each.value.severity == "page" ? aws_sns_topic.this.arn : aws_sns_topic.tickets.arn]

  tags = merge(var.tags, { Severity = each.value.severity })
}
