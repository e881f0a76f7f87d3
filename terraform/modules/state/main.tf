resource "aws_kms_key" "this" {
  #checkov:skip=CKV2_AWS_64:The default key policy delegates to IAM in this account; the CI roles' IAM policies name this key.
  description             = "Encryption of Terraform state in ${var.bucket}"
  enable_key_rotation     = true
  deletion_window_in_days = 30

  tags = var.tags
}

# trivy: AWS-0089 (access logging) accepted for the reason of checkov's CKV_AWS_18 below.
#trivy:ignore:AVD-AWS-0089
resource "aws_s3_bucket" "this" {
  #checkov:skip=CKV_AWS_144:Cross-region replication of state is not worth a second region's cost here; versioning plus the DR runbook's state rebuild (terraform import) cover loss.
  #checkov:skip=CKV_AWS_18:Access logging of the state bucket would need a second bucket; CloudTrail data events record who read or wrote state.
  #checkov:skip=CKV2_AWS_62:No consumer of state-change events.
  bucket = var.bucket

  tags = var.tags

  lifecycle {
    prevent_destroy = true
  }
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
    id     = "expire-old-state-versions"
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
  statement {
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

data "aws_partition" "current" {}

# Plan roles (assumable from pull requests) may take the lock but never change state, whatever their
# IAM policies say: an explicit deny in the bucket policy.
data "aws_iam_policy_document" "read_only" {
  source_policy_documents = [data.aws_iam_policy_document.this.json]

  dynamic "statement" {
    for_each = length(var.read_only_principal_arns) > 0 ? [1] : []
    content {
      sid     = "PlanRolesNeverWriteState"
      effect  = "Deny"
      actions = ["s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion", "s3:RestoreObject", "s3:PutObjectRetention", "s3:PutObjectLegalHold"]
      # From the name, not the bucket's ARN attribute, so the statement is known when planned.
      not_resources = ["arn:${data.aws_partition.current.partition}:s3:::${var.bucket}/*.tflock"]
      principals {
        type        = "*"
        identifiers = ["*"]
      }
      condition {
        test     = "ArnLike"
        variable = "aws:PrincipalArn"
        values   = var.read_only_principal_arns
      }
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  bucket = aws_s3_bucket.this.id
  policy = data.aws_iam_policy_document.read_only.json

  depends_on = [aws_s3_bucket_public_access_block.this]
}
