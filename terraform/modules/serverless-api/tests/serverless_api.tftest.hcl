mock_provider "aws" {
  mock_data "aws_region" {
    defaults = { region = "eu-west-1" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/kit-prod-pmp-lambda" }
  }
  mock_resource "aws_s3_bucket" {
    defaults = { arn = "arn:aws:s3:::kit-prod-pmp-deployments-123456789012" }
  }
  mock_resource "aws_kms_key" {
    defaults = { arn = "arn:aws:kms:eu-west-1:123456789012:key/deploy" }
  }
  mock_resource "aws_iam_policy" {
    defaults = { arn = "arn:aws:iam::123456789012:policy/kit-prod-pmp-gitlab-deploy" }
  }
}

variables {
  name                       = "kit-prod-pmp"
  stage                      = "prod"
  vpc_id                     = "vpc-1"
  subnet_ids                 = ["subnet-a", "subnet-b"]
  db_proxy_security_group_id = "sg-proxy"
  db_proxy_endpoint          = "kit-prod-pmp.proxy-abc.eu-west-1.rds.amazonaws.com"
  db_proxy_resource_id       = "prx-0123456789abcdef0"
  db_name                    = "pmp"
  data_bucket_name           = "kit-prod-pmp-notices"
  data_bucket_arn            = "arn:aws:s3:::kit-prod-pmp-notices"
  data_bucket_kms_key_arn    = "arn:aws:kms:eu-west-1:123456789012:key/notices"
  domain_name                = "pmp.kit.example.com"
  certificate_arn            = "arn:aws:acm:eu-west-1:123456789012:certificate/1"
  zone_id                    = "Z1"
  partner_api_url            = "https://partner.example.com/v1"
  runbook_url                = "https://example.com/runbooks.md"
}

run "the_deployer_reaches_this_function_stack_and_bucket_only" {
  command = apply

  assert {
    condition = alltrue([
      for s in jsondecode(output.deployer_policy).Statement :
      !contains(s.Resource, "*") || contains(["ValidateTemplates", "DescribeVpcForFunction"], s.Sid)
    ])
    error_message = "Only actions without resource-level permissions may name every resource."
  }

  assert {
    condition     = alltrue([for s in jsondecode(output.deployer_policy).Statement : alltrue([for a in s.Action : !strcontains(a, "*")])])
    error_message = "No action wildcards."
  }

  assert {
    condition = one([for s in jsondecode(output.deployer_policy).Statement : s.Resource if s.Sid == "TheFunction"]) == [
      "arn:aws:lambda:eu-west-1:123456789012:function:pmp-api-prod-api",
      "arn:aws:lambda:eu-west-1:123456789012:function:pmp-api-prod-api:*",
    ]
    error_message = "The deployer may change serverless's function pmp-api-prod-api only."
  }

  assert {
    condition     = one([for s in jsondecode(output.deployer_policy).Statement : s.Resource if s.Sid == "PassTheFunctionRole"]) == ["arn:aws:iam::123456789012:role/kit-prod-pmp-lambda"]
    error_message = "The deployer may pass the function's role and no other."
  }

  assert {
    condition     = one([for s in jsondecode(aws_iam_role_policy.lambda.policy).Statement : s.Resource if s.Sid == "ConnectThroughProxy"]) == ["arn:aws:rds-db:eu-west-1:123456789012:dbuser:prx-0123456789abcdef0/pmp_api"]
    error_message = "The function connects as its own database user through the proxy, with IAM."
  }

  assert {
    condition     = aws_ssm_parameter.subnets.value == "subnet-a,subnet-b" && aws_ssm_parameter.this["db-proxy-endpoint"].value == var.db_proxy_endpoint
    error_message = "serverless.yml's parameters carry Terraform's values."
  }

  assert {
    condition     = aws_apigatewayv2_domain_name.this.domain_name_configuration[0].security_policy == "TLS_1_2"
    error_message = "The custom domain refuses TLS below 1.2."
  }

  assert {
    condition     = module.dns.records["A"][0] == "pmp.kit.example.com" && module.dns.records["A"][1] == "PRIMARY" && module.dns.records["A"][3] == false
    error_message = "The API's domain is the PRIMARY side of a Route 53 failover pair, decided by its own regional check."
  }
}
