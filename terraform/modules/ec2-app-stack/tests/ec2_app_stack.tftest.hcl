mock_provider "aws" {
  mock_data "aws_region" {
    defaults = { region = "us-west-2" }
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
    defaults = { ids = ["subnet-a", "subnet-b", "subnet-c"] }
  }
  mock_data "aws_ssm_parameter" {
    defaults = { value = "ami-0123456789abcdef0" }
  }
  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
  }
  mock_resource "aws_ssm_parameter" {
    defaults = { arn = "arn:aws:ssm:us-west-2:123456789012:parameter/testapp/prod/autoupdater-credential" }
  }
  mock_resource "aws_iam_instance_profile" {
    defaults = { arn = "arn:aws:iam::123456789012:instance-profile/testapp-prod-us-west-2-instances" }
  }
  mock_resource "aws_lb_target_group" {
    defaults = { arn = "arn:aws:elasticloadbalancing:us-west-2:123456789012:targetgroup/testapp-prod/1" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/testapp-prod-us-west-2" }
  }
  mock_resource "aws_launch_template" {
    defaults = { id = "lt-0123456789abcdef0" }
  }
  mock_resource "aws_lb" {
    defaults = { arn = "arn:aws:elasticloadbalancing:us-west-2:123456789012:loadbalancer/app/testapp-prod/1" }
  }
}

variables {
  environment     = "prod"
  certificate_arn = "arn:aws:acm:us-west-2:123456789012:certificate/1"
  tags            = { Environment = "prod", ProjectId = "1234" }
}

run "three_to_six_instances_behind_the_load_balancer_in_private_subnets" {
  command = plan

  assert {
    condition     = aws_autoscaling_group.this.min_size == 3 && aws_autoscaling_group.this.max_size == 6 && aws_autoscaling_group.this.health_check_type == "ELB"
    error_message = "3 to 6 instances, replaced when the load balancer finds them unhealthy."
  }

  assert {
    condition     = one(aws_autoscaling_group.this.instance_refresh).preferences[0].auto_rollback
    error_message = "An instance refresh that fails rolls back."
  }

  assert {
    condition     = toset([for p in [aws_autoscaling_policy.cpu, aws_autoscaling_policy.network] : p.target_tracking_configuration[0].predefined_metric_specification[0].predefined_metric_type]) == toset(["ASGAverageCPUUtilization", "ASGAverageNetworkOut"])
    error_message = "The group scales on CPU and on bandwidth."
  }

  assert {
    condition     = startswith(aws_launch_template.this.instance_type, "c6in.")
    error_message = "CPU- and bandwidth-heavy work runs on compute optimized, network optimized instances."
  }
}

run "only_80_and_443_are_open_to_the_internet_and_only_on_the_load_balancer" {
  command = plan

  assert {
    condition     = toset([for r in aws_vpc_security_group_ingress_rule.alb : r.from_port]) == toset([80, 443])
    error_message = "The load balancer takes 80 and 443 only."
  }

  assert {
    condition     = aws_vpc_security_group_ingress_rule.instances_from_alb.cidr_ipv4 == null && aws_vpc_security_group_ingress_rule.instances_from_alb.from_port == 80
    error_message = "The instances take the application port from the load balancer's security group only."
  }

  assert {
    condition     = aws_lb_listener.http.default_action[0].type == "redirect" && aws_lb_listener.https.protocol == "HTTPS"
    error_message = "80 redirects to HTTPS."
  }
}

run "instances_boot_hardened_and_the_credential_stays_out_of_the_user_data" {
  command = plan

  assert {
    condition     = aws_launch_template.this.metadata_options[0].http_tokens == "required"
    error_message = "IMDSv2 only."
  }

  assert {
    condition     = aws_launch_template.this.block_device_mappings[0].ebs[0].encrypted == "true"
    error_message = "Encrypted volumes."
  }

  assert {
    condition     = !strcontains(base64decode(aws_launch_template.this.user_data), "tUkArsHqQX4A7Hk7") && strcontains(base64decode(aws_launch_template.this.user_data), "/testapp/prod/autoupdater-credential")
    error_message = "The user data reads the credential from SSM; it never contains it."
  }

  assert {
    condition     = aws_ssm_parameter.download_credential.type == "SecureString"
    error_message = "The credential is a SecureString."
  }
}

run "the_back_office_database_is_private_and_reached_from_the_instances_only" {
  command = plan

  variables {
    mysql = {}
  }

  assert {
    condition     = !aws_db_instance.mysql[0].publicly_accessible && aws_db_instance.mysql[0].storage_encrypted && aws_db_instance.mysql[0].manage_master_user_password
    error_message = "Private, encrypted, its password managed by RDS."
  }

  assert {
    condition     = aws_vpc_security_group_ingress_rule.database_from_instances[0].from_port == 3306 && aws_vpc_security_group_ingress_rule.database_from_instances[0].cidr_ipv4 == null
    error_message = "MySQL from the instances' security group only."
  }

  assert {
    condition     = aws_db_instance.mysql[0].deletion_protection && aws_lb.this.enable_deletion_protection
    error_message = "In prod the database and the load balancer refuse deletion."
  }
}

run "the_autoupdate_document_runs_the_autoupdater_and_no_lambda_without_a_package" {
  command = plan

  assert {
    condition     = jsondecode(aws_ssm_document.autoupdate.content).mainSteps[0].inputs.runCommand[1] == "/usr/local/bin/testapp-autoupdater" && aws_ssm_document.autoupdate.name == "testapp-prod-autoupdate"
    error_message = "One document runs /usr/local/bin/testapp-autoupdater, named after the stack."
  }

  assert {
    condition     = length(aws_lambda_function.autoupdate) == 0 && length(aws_iam_role.autoupdate) == 0
    error_message = "No package, no Lambda."
  }
}

run "the_lambda_may_run_that_document_on_this_stacks_instances_only" {
  command = apply

  variables {
    # Any file stands in for the package here: the plan only hashes it.
    autoupdate_lambda_zip = "user-data.sh.tftpl"
  }

  assert {
    condition = one([for s in jsondecode(aws_iam_role_policy.autoupdate[0].policy).Statement : s.Condition if s.Sid == "OnThisStacksInstances"]) == {
      StringEquals = {
        "ssm:resourceTag/Environment" = "prod"
        "ssm:resourceTag/ProjectId"   = "1234"
        "ssm:resourceTag/App"         = "testapp"
      }
    }
    error_message = "SendCommand reaches only instances carrying this stack's Environment, ProjectId and App."
  }

  assert {
    condition     = one([for s in jsondecode(aws_iam_role_policy.autoupdate[0].policy).Statement : s.Resource if s.Sid == "TheAutoupdateDocument"]) == [aws_ssm_document.autoupdate.arn]
    error_message = "The only document the function may send is the autoupdate document."
  }

  assert {
    condition     = jsondecode(aws_lambda_function.autoupdate[0].environment[0].variables.TARGET_TAGS) == { Environment = "prod", ProjectId = "1234", App = "testapp" } && aws_lambda_function.autoupdate[0].environment[0].variables.DOCUMENT_NAME == "testapp-prod-autoupdate"
    error_message = "The function targets the stack's tags with the stack's document."
  }

  assert {
    condition     = aws_lambda_function.autoupdate[0].reserved_concurrent_executions == 1 && aws_lambda_function.autoupdate[0].timeout > 600
    error_message = "One run at a time, with time to wait for the instances."
  }
}

run "refuses_more_than_six_instances" {
  command = plan

  variables {
    max_size = 8
  }

  expect_failures = [var.max_size]
}
