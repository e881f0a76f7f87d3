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
  mock_resource "aws_db_instance" {
    defaults = {
      master_user_secret = [{ secret_arn = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-1", kms_key_id = "k", secret_status = "active" }]
      identifier         = "kit-prod-pmp"
    }
  }
  mock_resource "aws_db_proxy" {
    defaults = { arn = "arn:aws:rds:eu-west-1:123456789012:db-proxy:prx-0123456789abcdef0" }
  }
  mock_resource "aws_db_proxy_default_target_group" {
    defaults = { name = "default" }
  }
  mock_resource "aws_kms_key" {
    defaults = { arn = "arn:aws:kms:eu-west-1:123456789012:key/1" }
  }
  mock_resource "aws_iam_role" {
    defaults = { arn = "arn:aws:iam::123456789012:role/kit-prod-pmp-proxy" }
  }
}

variables {
  name                      = "kit-prod-pmp"
  vpc_id                    = "vpc-1"
  subnet_ids                = ["subnet-a", "subnet-b"]
  client_security_group_ids = { lambda = "sg-lambda" }
  database_name             = "pmp"
}

run "private_encrypted_multi_az_with_managed_rotated_password" {
  command = plan

  assert {
    condition     = !aws_db_instance.this.publicly_accessible && aws_db_instance.this.storage_encrypted && aws_db_instance.this.multi_az
    error_message = "The instance must be private, encrypted and Multi-AZ by default."
  }

  assert {
    condition     = aws_db_instance.this.manage_master_user_password && aws_db_instance.this.password == null
    error_message = "RDS must manage (and rotate) the master password; Terraform must never hold it."
  }

  assert {
    condition     = aws_db_instance.this.deletion_protection && !aws_db_instance.this.skip_final_snapshot && aws_db_instance.this.backup_retention_period >= 7
    error_message = "Deletion protection, a final snapshot and a week of backups at least."
  }

  assert {
    condition     = one([for p in aws_db_parameter_group.this.parameter : p.value if p.name == "rds.force_ssl"]) == "1"
    error_message = "Connections must use TLS."
  }
}

run "the_proxy_requires_tls_and_iam_and_reads_only_the_master_secret" {
  command = apply

  assert {
    condition     = aws_db_proxy.this.require_tls && one(aws_db_proxy.this.auth).iam_auth == "REQUIRED"
    error_message = "Clients reach the proxy over TLS with an IAM token only."
  }

  assert {
    condition     = jsondecode(aws_iam_role_policy.proxy.policy).Statement[0].Resource == ["arn:aws:secretsmanager:eu-west-1:123456789012:secret:rds!db-1"]
    error_message = "The proxy's role reads the master secret and nothing else."
  }

  assert {
    condition     = output.proxy_resource_id == "prx-0123456789abcdef0"
    error_message = "The proxy's resource id is the last part of its ARN (rds-db:connect ARNs use it)."
  }

  assert {
    condition     = [for r in aws_vpc_security_group_ingress_rule.proxy_from_clients : r.referenced_security_group_id] == ["sg-lambda"]
    error_message = "Only the clients' security groups reach the proxy."
  }
}

run "refuses_a_single_subnet" {
  command = plan

  variables {
    subnet_ids = ["subnet-a"]
  }

  expect_failures = [var.subnet_ids]
}
