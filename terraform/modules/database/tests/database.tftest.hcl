mock_provider "aws" {}

variables {
  name                       = "kit-test-orders"
  vpc_id                     = "vpc-0123456789abcdef0"
  subnet_ids                 = ["subnet-0000000000000000a", "subnet-0000000000000000b", "subnet-0000000000000000c"]
  allowed_security_group_ids = { eks-nodes = "sg-0123456789abcdef0" }
}

run "private_encrypted_backed_up_cluster" {
  command = plan

  assert {
    condition     = aws_docdb_cluster.this.storage_encrypted && aws_docdb_cluster.this.engine == "docdb"
    error_message = "The cluster must be DocumentDB with encrypted storage."
  }

  assert {
    condition     = aws_docdb_cluster.this.manage_master_user_password && aws_docdb_cluster.this.master_password == null
    error_message = "The master password must be generated and rotated by AWS in Secrets Manager, never in Terraform."
  }

  assert {
    condition     = aws_docdb_cluster.this.backup_retention_period == 14 && !aws_docdb_cluster.this.skip_final_snapshot
    error_message = "Backups must be kept 14 days and a final snapshot taken on delete."
  }

  assert {
    condition     = aws_docdb_cluster.this.deletion_protection
    error_message = "Deletion protection is on by default."
  }

  assert {
    condition     = toset(aws_docdb_cluster.this.enabled_cloudwatch_logs_exports) == toset(["audit", "profiler"])
    error_message = "Audit and profiler logs must go to CloudWatch Logs."
  }

  assert {
    condition     = one([for p in aws_docdb_cluster_parameter_group.this.parameter : p.value if p.name == "tls"]) == "enabled"
    error_message = "TLS must be required."
  }

  assert {
    condition     = aws_docdb_cluster_parameter_group.this.family == "docdb5.0"
    error_message = "The parameter group family follows the engine version."
  }
}

run "reachable_from_the_nodes_only" {
  command = plan

  assert {
    condition     = length(aws_vpc_security_group_ingress_rule.this) == 1
    error_message = "Exactly one ingress rule: from the EKS nodes."
  }

  assert {
    condition     = aws_vpc_security_group_ingress_rule.this["eks-nodes"].referenced_security_group_id == "sg-0123456789abcdef0" && aws_vpc_security_group_ingress_rule.this["eks-nodes"].from_port == 27017 && aws_vpc_security_group_ingress_rule.this["eks-nodes"].to_port == 27017
    error_message = "The database admits the MongoDB port from the nodes' security group only."
  }

  assert {
    condition     = aws_vpc_security_group_ingress_rule.this["eks-nodes"].cidr_ipv4 == null
    error_message = "No CIDR-based access."
  }
}

run "instances_spread_for_failover" {
  command = plan

  assert {
    condition     = length(aws_docdb_cluster_instance.this) == 3 && [for i in aws_docdb_cluster_instance.this : i.promotion_tier] == [0, 1, 2]
    error_message = "Three instances with distinct promotion tiers by default."
  }
}

run "rejects_a_retention_outside_docdb_limits" {
  command = plan

  variables {
    backup_retention_days = 0
  }

  expect_failures = [var.backup_retention_days]
}

run "rejects_a_single_subnet" {
  command = plan

  variables {
    subnet_ids = ["subnet-0000000000000000a"]
  }

  expect_failures = [var.subnet_ids]
}
