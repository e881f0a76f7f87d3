# The IAM user GitLab's pipeline deploys with (the seed asks for a user; see docs/pmp-api.md for
# why OIDC would be better). It may do what `serverless deploy` of this one function does, scoped by
# ARN wherever the service has resource-level permissions, and nothing else. Its access key is not
# made here (it would sit in Terraform's state): create it once with the CLI and store it as masked,
# protected GitLab CI/CD variables (docs/pmp-api.md).

locals {
  deployer_statements = [
    {
      Sid    = "ServerlessStack"
      Effect = "Allow"
      Action = [
        "cloudformation:CreateStack", "cloudformation:UpdateStack", "cloudformation:DescribeStacks",
        "cloudformation:DescribeStackEvents", "cloudformation:DescribeStackResource",
        "cloudformation:DescribeStackResources", "cloudformation:ListStackResources",
        "cloudformation:CreateChangeSet", "cloudformation:DescribeChangeSet",
        "cloudformation:ExecuteChangeSet", "cloudformation:DeleteChangeSet", "cloudformation:GetTemplate",
      ]
      Resource = [local.stack_arn]
    },
    {
      # No resource-level permissions exist for these.
      Sid      = "ValidateTemplates"
      Effect   = "Allow"
      Action   = ["cloudformation:ValidateTemplate"]
      Resource = ["*"]
    },
    {
      Sid      = "DeploymentBucketList"
      Effect   = "Allow"
      Action   = ["s3:ListBucket", "s3:GetBucketLocation"]
      Resource = [module.deployment_bucket.arn]
    },
    {
      Sid      = "DeploymentArtifacts"
      Effect   = "Allow"
      Action   = ["s3:PutObject", "s3:GetObject", "s3:DeleteObject"]
      Resource = ["${module.deployment_bucket.arn}/serverless/${var.service}/${var.stage}/*"]
    },
    {
      Sid      = "DeploymentBucketKey"
      Effect   = "Allow"
      Action   = ["kms:GenerateDataKey", "kms:Decrypt"]
      Resource = [module.deployment_bucket.kms_key_arn]
    },
    {
      Sid    = "TheFunction"
      Effect = "Allow"
      Action = [
        "lambda:GetFunction", "lambda:GetFunctionConfiguration", "lambda:CreateFunction",
        "lambda:UpdateFunctionCode", "lambda:UpdateFunctionConfiguration", "lambda:PublishVersion",
        "lambda:ListVersionsByFunction", "lambda:AddPermission", "lambda:RemovePermission",
        "lambda:TagResource", "lambda:UntagResource", "lambda:ListTags",
      ]
      Resource = [local.function_arn, "${local.function_arn}:*"]
    },
    {
      Sid       = "PassTheFunctionRole"
      Effect    = "Allow"
      Action    = ["iam:PassRole"]
      Resource  = [aws_iam_role.lambda.arn]
      Condition = { StringEquals = { "iam:PassedToService" = "lambda.amazonaws.com" } }
    },
    {
      # API Gateway's HTTP APIs get their ids when made: the APIs of this region, and the mapping
      # on this domain only.
      Sid    = "HttpApi"
      Effect = "Allow"
      Action = ["apigateway:GET", "apigateway:POST", "apigateway:PATCH", "apigateway:PUT", "apigateway:DELETE"]
      Resource = [
        "arn:${local.partition}:apigateway:${local.region}::/apis",
        "arn:${local.partition}:apigateway:${local.region}::/apis/*",
        "arn:${local.partition}:apigateway:${local.region}::/domainnames/${var.domain_name}/apimappings",
        "arn:${local.partition}:apigateway:${local.region}::/domainnames/${var.domain_name}/apimappings/*",
        "arn:${local.partition}:apigateway:${local.region}::/tags/*",
      ]
    },
    {
      Sid      = "FunctionLogGroup"
      Effect   = "Allow"
      Action   = ["logs:CreateLogGroup", "logs:DeleteLogGroup", "logs:PutRetentionPolicy", "logs:TagResource"]
      Resource = [local.log_group_arn, "${local.log_group_arn}:*"]
    },
    {
      # Lambda checks that the caller may see the VPC it attaches the function to; no resource-level permissions.
      Sid      = "DescribeVpcForFunction"
      Effect   = "Allow"
      Action   = ["ec2:DescribeSecurityGroups", "ec2:DescribeSubnets", "ec2:DescribeVpcs"]
      Resource = ["*"]
    },
    {
      Sid      = "ReadDeployParameters"
      Effect   = "Allow"
      Action   = ["ssm:GetParameter", "ssm:GetParameters"]
      Resource = ["arn:${local.partition}:ssm:${local.region}:${local.account}:parameter${local.ssm_prefix}/*"]
    },
  ]
}

resource "aws_iam_user" "deployer" {
  #checkov:skip=CKV_AWS_273:The seed asks for an IAM user for GitLab; docs/pmp-api.md says why OIDC federation is the better choice.
  name = "${var.name}-gitlab-deployer"
  path = "/ci/"

  tags = var.tags
}

resource "aws_iam_policy" "deployer" {
  name        = "${var.name}-gitlab-deploy"
  description = "serverless deploy of ${local.function_name}, and nothing else"
  policy      = jsonencode({ Version = "2012-10-17", Statement = local.deployer_statements })

  tags = var.tags
}

resource "aws_iam_group" "deployer" {
  name = "${var.name}-gitlab-deployers"
  path = "/ci/"
}

resource "aws_iam_group_policy_attachment" "deployer" {
  group      = aws_iam_group.deployer.name
  policy_arn = aws_iam_policy.deployer.arn
}

resource "aws_iam_user_group_membership" "deployer" {
  user   = aws_iam_user.deployer.name
  groups = [aws_iam_group.deployer.name]
}
