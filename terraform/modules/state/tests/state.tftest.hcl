mock_provider "aws" {
  # A mocked aws_iam_policy_document would return random text, which roles and policies refuse as JSON.
  mock_data "aws_iam_policy_document" {
    defaults = {
      json = "{\"Version\":\"2012-10-17\",\"Statement\":[]}"
    }
  }

  mock_data "aws_partition" {
    defaults = {
      partition = "aws"
    }
  }
}

variables {
  bucket = "kit-terraform-state-123456789012"
}

run "versioned_encrypted_private_bucket" {
  command = plan

  assert {
    condition     = aws_s3_bucket_versioning.this.versioning_configuration[0].status == "Enabled"
    error_message = "State must be versioned (recover from a bad apply)."
  }

  assert {
    condition     = one(aws_s3_bucket_server_side_encryption_configuration.this.rule).apply_server_side_encryption_by_default[0].sse_algorithm == "aws:kms"
    error_message = "State must be encrypted with KMS."
  }

  assert {
    condition     = aws_s3_bucket_public_access_block.this.block_public_acls && aws_s3_bucket_public_access_block.this.block_public_policy && aws_s3_bucket_public_access_block.this.ignore_public_acls && aws_s3_bucket_public_access_block.this.restrict_public_buckets
    error_message = "All public access must be blocked."
  }

  assert {
    condition     = aws_s3_bucket_ownership_controls.this.rule[0].object_ownership == "BucketOwnerEnforced"
    error_message = "ACLs must be disabled."
  }
}

run "plan_roles_cannot_write_state" {
  command = plan

  variables {
    read_only_principal_arns = ["arn:aws:iam::123456789012:role/kit-*-ci-terraform-plan"]
  }

  assert {
    condition = anytrue([for s in data.aws_iam_policy_document.read_only.statement :
      s.effect == "Deny" && contains(s.actions, "s3:PutObject") && contains(s.actions, "s3:DeleteObject")
      && s.not_resources == toset(["arn:aws:s3:::kit-terraform-state-123456789012/*.tflock"])
      && anytrue([for c in s.condition : c.variable == "aws:PrincipalArn" && contains(c.values, "arn:aws:iam::123456789012:role/kit-*-ci-terraform-plan")])
    ])
    error_message = "The bucket policy must deny plan roles every state write except the lock file."
  }
}

run "rejects_an_invalid_bucket_name" {
  command = plan

  variables {
    bucket = "Kit_State"
  }

  expect_failures = [var.bucket]
}
