# One DynamoDB table for a service's items: on-demand capacity (no capacity to plan or to be
# throttled by when traffic jumps; autoscaling of provisioned capacity reacts in minutes), encrypted
# with KMS, continuous backups, and protected from deletion.
resource "aws_dynamodb_table" "this" {
  name         = var.name
  billing_mode = "PAY_PER_REQUEST"
  hash_key     = var.hash_key

  attribute {
    name = var.hash_key
    type = "S"
  }

  point_in_time_recovery {
    enabled = var.point_in_time_recovery
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = var.kms_key_arn
  }

  dynamic "ttl" {
    for_each = var.ttl_attribute == null ? [] : [var.ttl_attribute]
    content {
      attribute_name = ttl.value
      enabled        = true
    }
  }

  deletion_protection_enabled = var.deletion_protection

  tags = var.tags
}
