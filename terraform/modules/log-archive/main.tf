# The immutable archive of the logs PCI DSS asks to keep (10.5.1: a year, three months at hand):
# an S3 bucket under Object Lock in compliance mode (no one, root included, can delete an object or
# shorten its lock), encrypted with its own KMS key, moving to Glacier after glacier_after_days, and a
# Firehose stream that CloudWatch Logs subscriptions feed with the log groups named.

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  account    = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  bucket     = "${var.name}-log-archive-${local.account}"
  bucket_arn = "arn:${local.partition}:s3:::${local.bucket}"
}

resource "aws_kms_key" "this" {
  #checkov:skip=CKV2_AWS_64:The default key policy delegates to IAM in this account; Firehose and S3 use the key through the roles and grants below.
  description         = "${local.bucket}: log archive objects"
  enable_key_rotation = true
  tags                = var.tags
}

# trivy: AWS-0089 (access logging) accepted for the reason of checkov's CKV_AWS_18 below.
#trivy:ignore:AVD-AWS-0089
resource "aws_s3_bucket" "this" {
  #checkov:skip=CKV_AWS_144:One region; a second copy would be a second archive with its own lock, decided with the auditor.
  #checkov:skip=CKV_AWS_18:The archive is itself the log destination; its access is recorded by CloudTrail data events (module audit).
  #checkov:skip=CKV2_AWS_62:Nothing consumes the archive's object events.
  bucket              = local.bucket
  object_lock_enabled = true
  tags                = var.tags
}

resource "aws_s3_bucket_versioning" "this" {
  bucket = aws_s3_bucket.this.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_object_lock_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    default_retention {
      mode  = "COMPLIANCE"
      years = var.retention_years
    }
  }

  depends_on = [aws_s3_bucket_versioning.this]
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.this.arn
    }
    bucket_key_enabled = true
  }
}

resource "aws_s3_bucket_public_access_block" "this" {
  bucket                  = aws_s3_bucket.this.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_ownership_controls" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    id     = "glacier-then-expire-after-the-lock"
    status = "Enabled"

    filter {}

    transition {
      days          = var.glacier_after_days
      storage_class = "GLACIER"
    }

    # The lock keeps each object until its retention ends; the lifecycle removes it the day after.
    expiration {
      days = var.retention_years * 366 + 1
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  bucket = aws_s3_bucket.this.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [local.bucket_arn, "${local.bucket_arn}/*"]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
      {
        Sid       = "DenyLockChanges"
        Effect    = "Deny"
        Principal = "*"
        Action    = ["s3:PutBucketObjectLockConfiguration", "s3:BypassGovernanceRetention"]
        Resource  = [local.bucket_arn, "${local.bucket_arn}/*"]
      },
    ]
  })

  # After the lock configuration: the policy denies changing it.
  depends_on = [aws_s3_bucket_public_access_block.this, aws_s3_bucket_object_lock_configuration.this]
}
