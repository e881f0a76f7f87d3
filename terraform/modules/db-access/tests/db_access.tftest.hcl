mock_provider "aws" {
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_data "aws_region" {
    defaults = { region = "eu-west-1" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "123456789012" }
  }
  mock_data "aws_ssm_parameter" {
    defaults = { value = "ami-0123456789abcdef0" }
  }
  mock_data "aws_iam_policy_document" {
    defaults = { json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}" }
  }
  mock_resource "aws_instance" {
    defaults = { arn = "arn:aws:ec2:eu-west-1:123456789012:instance/i-0123456789abcdef0" }
  }
}

variables {
  name      = "kit-prod-db-access"
  vpc_id    = "vpc-1"
  subnet_id = "subnet-a"
  targets = {
    orders = { security_group_id = "sg-docdb", port = 27017 }
    pmp    = { security_group_id = "sg-proxy", port = 5432 }
  }
}

run "no_way_in_but_ssm" {
  command = plan

  assert {
    condition     = !aws_instance.host.associate_public_ip_address
    error_message = "No public address, no key pair."
  }

  assert {
    condition     = aws_instance.host.metadata_options[0].http_tokens == "required" && aws_instance.host.root_block_device[0].encrypted
    error_message = "IMDSv2 only, encrypted volume."
  }
}

run "reaches_only_the_databases_and_ssm" {
  command = plan

  assert {
    condition     = { for k, r in aws_vpc_security_group_egress_rule.to_target : k => [r.referenced_security_group_id, r.from_port] } == { orders = ["sg-docdb", 27017], pmp = ["sg-proxy", 5432] }
    error_message = "Out only to each database's security group on its port."
  }

  assert {
    condition     = aws_vpc_security_group_egress_rule.https.from_port == 443 && aws_vpc_security_group_egress_rule.https.to_port == 443
    error_message = "And HTTPS, for SSM."
  }
}

run "the_team_may_forward_ports_and_nothing_else" {
  command = apply

  assert {
    condition     = one([for s in jsondecode(aws_iam_policy.session.policy).Statement : s.Resource if s.Sid == "PortForwardingThroughTheHost"]) == ["arn:aws:ec2:eu-west-1:123456789012:instance/i-0123456789abcdef0", "arn:aws:ssm:eu-west-1::document/AWS-StartPortForwardingSessionToRemoteHost"]
    error_message = "StartSession on this host with the port-forwarding document only (no shell)."
  }
}

run "refuses_no_targets" {
  command = plan

  variables {
    targets = {}
  }

  expect_failures = [var.targets]
}
