mock_provider "aws" {}

variables {
  name = "kit-dev-data-api-items"
}

run "on_demand_encrypted_backed_up_protected" {
  command = plan

  assert {
    condition     = aws_dynamodb_table.this.billing_mode == "PAY_PER_REQUEST"
    error_message = "The table must be on-demand."
  }

  assert {
    condition     = aws_dynamodb_table.this.hash_key == "id" && one(aws_dynamodb_table.this.attribute).type == "S"
    error_message = "The partition key must be the string id."
  }

  assert {
    condition     = aws_dynamodb_table.this.point_in_time_recovery[0].enabled
    error_message = "Point-in-time recovery must be on by default."
  }

  assert {
    condition     = aws_dynamodb_table.this.server_side_encryption[0].enabled
    error_message = "The table must be encrypted with KMS."
  }

  assert {
    condition     = aws_dynamodb_table.this.deletion_protection_enabled
    error_message = "Deletion protection must be on by default."
  }

  assert {
    condition     = length(aws_dynamodb_table.this.ttl) == 0
    error_message = "Items must not expire unless a TTL attribute is named."
  }
}

run "customer_key_and_ttl" {
  command = plan

  variables {
    kms_key_arn   = "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000000"
    ttl_attribute = "expiresAt"
  }

  assert {
    condition     = aws_dynamodb_table.this.server_side_encryption[0].kms_key_arn == "arn:aws:kms:eu-west-1:111111111111:key/00000000-0000-0000-0000-000000000000"
    error_message = "A customer-managed key must be used when given."
  }

  assert {
    condition     = one(aws_dynamodb_table.this.ttl).attribute_name == "expiresAt" && one(aws_dynamodb_table.this.ttl).enabled
    error_message = "The named TTL attribute must be enabled."
  }
}

run "rejects_invalid_table_names" {
  command = plan

  variables {
    name = "a b"
  }

  expect_failures = [var.name]
}
