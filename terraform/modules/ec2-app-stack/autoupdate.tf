# The autoupdater on demand: one Run Command document, the only command the pipeline's SSM step and
# the Lambda run on the instances (apps/testapp-autoupdate finds the instances by the stack's tags
# and sends this document to exactly those), and the Lambda itself when a package is given.

locals {
  autoupdater_path = "/usr/local/bin/testapp-autoupdater"
  target_tags      = merge(var.tags, { App = var.app })
  autoupdate_name  = "${local.name}-autoupdate"
}

resource "aws_ssm_document" "autoupdate" {
  name            = local.autoupdate_name
  document_type   = "Command"
  document_format = "JSON"
  content = jsonencode({
    schemaVersion = "2.2"
    description   = "Runs ${var.app}'s autoupdater on ${local.name}'s instances"
    mainSteps = [{
      action       = "aws:runShellScript"
      name         = "autoupdate"
      precondition = { StringEquals = ["platformType", "Linux"] }
      inputs = {
        timeoutSeconds = "600"
        runCommand     = ["set -eu", local.autoupdater_path]
      }
    }]
  })
}

data "aws_iam_policy_document" "assume_lambda" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["lambda.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "autoupdate" {
  count              = var.autoupdate_lambda_zip == null ? 0 : 1
  name               = "${local.autoupdate_name}-${local.region}"
  assume_role_policy = data.aws_iam_policy_document.assume_lambda.json
}

# The function may send this document, to this stack's instances only (by their tags), read the
# results, find the instances and write its own logs. DescribeInstances and GetCommandInvocation
# take no resource-level permissions, so they are on "*".
resource "aws_iam_role_policy" "autoupdate" {
  count = var.autoupdate_lambda_zip == null ? 0 : 1
  name  = "run-autoupdate-on-this-stack"
  role  = aws_iam_role.autoupdate[0].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "TheAutoupdateDocument"
        Effect   = "Allow"
        Action   = ["ssm:SendCommand"]
        Resource = [aws_ssm_document.autoupdate.arn]
      },
      {
        Sid       = "OnThisStacksInstances"
        Effect    = "Allow"
        Action    = ["ssm:SendCommand"]
        Resource  = ["arn:${local.partition}:ec2:${local.region}:${local.account}:instance/*"]
        Condition = { StringEquals = { for k, v in local.target_tags : "ssm:resourceTag/${k}" => v } }
      },
      {
        Sid      = "ReadResultsAndFindInstances"
        Effect   = "Allow"
        Action   = ["ssm:GetCommandInvocation", "ssm:ListCommandInvocations", "ec2:DescribeInstances"]
        Resource = ["*"]
      },
      {
        Sid      = "ItsOwnLogs"
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
        Resource = ["${aws_cloudwatch_log_group.autoupdate[0].arn}:*"]
      },
    ]
  })
}

resource "aws_cloudwatch_log_group" "autoupdate" {
  #checkov:skip=CKV_AWS_158:The run reports hold instance ids and the autoupdater's output, no secrets; CloudWatch's own encryption.
  count             = var.autoupdate_lambda_zip == null ? 0 : 1
  name              = "/aws/lambda/${local.autoupdate_name}"
  retention_in_days = 365
}

resource "aws_lambda_function" "autoupdate" {
  #checkov:skip=CKV_AWS_116:Invoked synchronously (console or CLI), which gets the result back; nothing to dead-letter.
  #checkov:skip=CKV_AWS_117:Calls only the SSM and EC2 APIs; outside a VPC it needs no NAT or endpoints.
  #checkov:skip=CKV_AWS_173:Its environment holds the target tags and the document name, no secrets.
  #checkov:skip=CKV_AWS_272:Built and deployed by this stack's own pipeline from the repository.
  #checkov:skip=CKV_AWS_50:One short run on demand; its log is the trace.
  count            = var.autoupdate_lambda_zip == null ? 0 : 1
  function_name    = local.autoupdate_name
  description      = "Runs ${var.app}'s autoupdater on ${local.name}'s instances through SSM, on demand"
  role             = aws_iam_role.autoupdate[0].arn
  runtime          = "python3.12"
  handler          = "testapp_autoupdate.handler.handler"
  filename         = var.autoupdate_lambda_zip
  source_code_hash = filebase64sha256(var.autoupdate_lambda_zip)
  memory_size      = 256
  # The wait for the instances (10 minutes) plus the report.
  timeout = 900
  # One run at a time per stack: a second one would update instances still being updated.
  reserved_concurrent_executions = 1

  environment {
    variables = {
      TARGET_TAGS     = jsonencode(local.target_tags)
      DOCUMENT_NAME   = aws_ssm_document.autoupdate.name
      TIMEOUT_SECONDS = "600"
    }
  }

  depends_on = [aws_iam_role_policy.autoupdate, aws_cloudwatch_log_group.autoupdate]
}
