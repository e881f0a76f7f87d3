# A private bucket for an application's data: its own customer-managed KMS key (rotated), versioning
# with old versions expired, every public access blocked, ACLs disabled, and TLS required by policy.
resource "aws_kms_key" "this" {
  #checkov:skip=CKV2_AWS_64:The default key policy delegates to IAM in this account; the readers' roles name this key in their IAM policies.
  description             = "Encryption of s3://${var.name}"
  enable_key_rotation     = true
  deletion_window_in_days = 30

  tags = var.tags
}

# trivy: AWS-0089 (access logging) accepted for the reason of checkov's CKV_AWS_18 below.
#trivy:ignore:AVD-AWS-0089
resource "aws_s3_bucket" "this" {
  #checkov:skip=CKV_AWS_144:Cross-region replication is the caller's choice (disaster-recovery.md); an application bucket's data is rebuilt from its source.
  #checkov:skip=CKV_AWS_18:Server access logs would need a log bucket per application bucket; CloudTrail data events record reads and writes.
  #checkov:skip=CKV2_AWS_62:No consumer of object events.
  bucket        = var.name
  force_destroy = var.force_destroy

  tags = var.tags
}

resource "aws_s3_bucket_versioning" "this" {
  bucket = aws_s3_bucket.this.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.this.arn
    }
    # One data key per bucket rather than per object: large reads make fewer KMS calls.
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
    id     = "expire-old-versions"
    status = "Enabled"

    filter {}

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_version_expiry_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }
}

data "aws_iam_policy_document" "this" {
  # A policy must hold a statement: with require_tls off (an emulator on plain HTTP), only this one.
  statement {
    sid       = "DenyObjectAcls"
    effect    = "Deny"
    actions   = ["s3:PutObjectAcl", "s3:PutBucketAcl"]
    resources = [aws_s3_bucket.this.arn, "${aws_s3_bucket.this.arn}/*"]
    principals {
      type        = "*"
      identifiers = ["*"]
    }
  }

  dynamic "statement" {
    for_each = var.require_tls ? [1] : []
    content {
      sid     = "DenyInsecureTransport"
      effect  = "Deny"
      actions = ["s3:*"]
      resources = [
        aws_s3_bucket.this.arn,
        "${aws_s3_bucket.this.arn}/*",
      ]
      principals {
        type        = "*"
        identifiers = ["*"]
      }
      condition {
        test     = "Bool"
        variable = "aws:SecureTransport"
        values   = ["false"]
      }
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  bucket = aws_s3_bucket.this.id
  policy = data.aws_iam_policy_document.this.json

  depends_on = [aws_s3_bucket_public_access_block.this]
}

# Objects the bucket starts with (a first consent notice, say); later versions are the application's.
resource "aws_s3_object" "seed" {
  for_each = var.seed_objects

  bucket       = aws_s3_bucket.this.id
  key          = each.key
  content      = each.value.content
  content_type = each.value.content_type
  # Encrypted by the bucket's default (its KMS key); named here so a plan shows it.
  kms_key_id = aws_kms_key.this.arn

  tags = var.tags

  lifecycle {
    # The application replaces them; Terraform only makes the first version.
    ignore_changes = [content, content_type, tags]
  }

  depends_on = [aws_s3_bucket_server_side_encryption_configuration.this, aws_s3_bucket_policy.this]
}
