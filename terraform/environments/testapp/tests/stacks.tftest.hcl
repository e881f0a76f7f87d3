# The root as each stack's pipeline plans it, against a mocked provider: the stack's tags, and the
# region/environment pairs the seed allows.
mock_provider "aws" {
  mock_data "aws_acm_certificate" {
    defaults = { arn = "arn:aws:acm:us-east-1:123456789012:certificate/1" }
  }
  mock_data "aws_region" {
    defaults = { region = "us-east-1" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_vpc" {
    defaults = { id = "vpc-1" }
  }
  mock_data "aws_subnets" {
    defaults = { ids = ["subnet-a", "subnet-b"] }
  }
  mock_data "aws_ssm_parameter" {
    defaults = { value = "ami-0123456789abcdef0" }
  }
  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
  }
}

variables {
  region      = "us-east-1"
  environment = "uat"
  domain_name = "uat.testapp.example.com"
}

run "the_stack_is_tagged_with_its_environment_and_project" {
  command = plan

  assert {
    condition     = output.instance_target_tags == { Environment = "uat", ProjectId = "1234", App = "testapp" }
    error_message = "Instances carry Environment, ProjectId=1234 and App (the SSM commands' target)."
  }
}

run "uat_outside_us_east_1_is_refused" {
  command = plan

  variables {
    region = "eu-west-1"
  }

  expect_failures = [var.environment]
}

run "a_region_outside_the_three_is_refused" {
  command = plan

  variables {
    region      = "ap-south-1"
    environment = "prod"
  }

  expect_failures = [var.region]
}
