# Plan-only assertions with a mocked AWS provider (no credentials, no network).
mock_provider "aws" {
  # A mocked aws_iam_policy_document would return random text, which roles and policies refuse as JSON.
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }
}

variables {
  name         = "kit-test"
  azs          = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
  cluster_name = "kit-test"
}

run "subnets_in_three_zones" {
  command = plan

  assert {
    condition     = length(aws_subnet.private) == 3 && length(aws_subnet.public) == 3
    error_message = "Expected a private and a public subnet in each of the three zones."
  }

  assert {
    condition     = [for az in var.azs : aws_subnet.private[az].cidr_block] == ["10.0.0.0/19", "10.0.32.0/19", "10.0.64.0/19"]
    error_message = "Private subnets must be the first three /19s (the node-app chart's NetworkPolicy names them)."
  }

  assert {
    condition     = [for az in var.azs : aws_subnet.public[az].cidr_block] == ["10.0.96.0/22", "10.0.100.0/22", "10.0.104.0/22"]
    error_message = "Public subnets must be three /22s after the private ones."
  }

  assert {
    condition     = alltrue([for s in aws_subnet.public : s.map_public_ip_on_launch == false])
    error_message = "Nothing launched in a public subnet may get a public IP by default."
  }

  assert {
    condition     = alltrue([for s in aws_subnet.public : s.tags["kubernetes.io/role/elb"] == "1"]) && alltrue([for s in aws_subnet.private : s.tags["kubernetes.io/role/internal-elb"] == "1"])
    error_message = "Subnets need the role tags the AWS Load Balancer Controller discovers them by."
  }

  assert {
    condition     = aws_subnet.private["eu-west-1a"].tags["kubernetes.io/cluster/kit-test"] == "shared"
    error_message = "Subnets need the cluster tag."
  }
}

run "one_nat_gateway_per_zone_by_default" {
  command = plan

  assert {
    condition     = length(aws_nat_gateway.this) == 3 && length(aws_eip.nat) == 3
    error_message = "Production layout: a NAT gateway per zone, so losing a zone does not cut the others' egress."
  }

  assert {
    condition     = length(aws_route.private_nat) == 3 && alltrue([for r in aws_route.private_nat : r.destination_cidr_block == "0.0.0.0/0"])
    error_message = "Each private route table needs a default route through a NAT gateway."
  }
}

run "single_nat_gateway_for_dev" {
  command = plan

  variables {
    single_nat_gateway = true
  }

  assert {
    condition     = length(aws_nat_gateway.this) == 1 && keys(aws_nat_gateway.this) == ["eu-west-1a"]
    error_message = "single_nat_gateway must create exactly one NAT gateway, in the first zone."
  }
}

run "flow_logs_and_default_security_group" {
  command = plan

  assert {
    condition     = aws_flow_log.this.traffic_type == "ALL" && aws_flow_log.this.log_destination_type == "cloud-watch-logs"
    error_message = "All VPC traffic must be logged to CloudWatch Logs."
  }

  assert {
    condition     = aws_cloudwatch_log_group.flow_logs.retention_in_days == 90
    error_message = "Flow logs keep the default 90 days."
  }

  assert {
    condition     = aws_default_security_group.this.tags["Name"] == "kit-test-default-deny"
    error_message = "The VPC's default security group must be taken over (declared without rules, which removes them)."
  }

  assert {
    condition     = aws_vpc_endpoint.s3.vpc_endpoint_type == "Gateway"
    error_message = "S3 must be reached through a gateway endpoint (saves NAT charges on image pulls)."
  }
}

run "rejects_a_single_zone" {
  command = plan

  variables {
    azs = ["eu-west-1a"]
  }

  expect_failures = [var.azs]
}

run "rejects_a_small_vpc" {
  command = plan

  variables {
    cidr = "10.0.0.0/24"
  }

  expect_failures = [var.cidr]
}

run "rejects_an_unsupported_retention" {
  command = plan

  variables {
    flow_log_retention_days = 10
  }

  expect_failures = [var.flow_log_retention_days]
}
