mock_provider "aws" {
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }
}

variables {
  name = "kit-dev-pmp-notices"
}

run "private_versioned_bucket_under_its_own_key" {
  command = plan

  assert {
    condition     = aws_s3_bucket_versioning.this.versioning_configuration[0].status == "Enabled"
    error_message = "The bucket must be versioned."
  }

  assert {
    condition     = one(aws_s3_bucket_server_side_encryption_configuration.this.rule).apply_server_side_encryption_by_default[0].sse_algorithm == "aws:kms"
    error_message = "Objects must be encrypted with the bucket's KMS key."
  }

  assert {
    condition     = aws_kms_key.this.enable_key_rotation
    error_message = "The key must rotate."
  }

  assert {
    condition     = aws_s3_bucket_public_access_block.this.block_public_acls && aws_s3_bucket_public_access_block.this.block_public_policy && aws_s3_bucket_public_access_block.this.ignore_public_acls && aws_s3_bucket_public_access_block.this.restrict_public_buckets
    error_message = "All public access must be blocked."
  }

  assert {
    condition     = aws_s3_bucket_ownership_controls.this.rule[0].object_ownership == "BucketOwnerEnforced"
    error_message = "ACLs must be disabled."
  }

  assert {
    condition     = contains([for s in data.aws_iam_policy_document.this.statement : s.sid], "DenyInsecureTransport")
    error_message = "The bucket policy must refuse requests without TLS."
  }

  assert {
    condition     = !aws_s3_bucket.this.force_destroy
    error_message = "A bucket holding data is not destroyed with its objects unless asked."
  }
}

run "refuses_a_name_s3_refuses" {
  command = plan

  variables {
    name = "Kit_Notices"
  }

  expect_failures = [var.name]
}

run "seed_objects_are_written_once_under_the_bucket_key" {
  command = plan

  variables {
    seed_objects = {
      "notices/current.json" = { content = "{\"version\":1}" }
    }
  }

  assert {
    condition     = aws_s3_object.seed["notices/current.json"].content_type == "application/json"
    error_message = "A seed object defaults to JSON."
  }

  assert {
    condition     = aws_s3_object.seed["notices/current.json"].content == "{\"version\":1}"
    error_message = "A seed object holds the given content."
  }
}

run "tls_requirement_off_only_when_asked" {
  command = plan

  variables {
    require_tls = false
  }

  assert {
    condition     = !contains([for s in data.aws_iam_policy_document.this.statement : s.sid], "DenyInsecureTransport")
    error_message = "require_tls = false leaves the TLS statement out (an emulator on plain HTTP)."
  }
}
