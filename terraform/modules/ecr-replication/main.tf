# ECR replication to the disaster-recovery region: every image pushed to a repository under one of
# repository_prefixes is copied, digest unchanged, to each destination region of this account, so
# the service can be restored there without rebuilding (docs/disaster-recovery.md). A registry has
# one replication configuration, so this is applied once per account (environments/bootstrap), not
# by dev and prod.

data "aws_caller_identity" "current" {}

resource "aws_ecr_replication_configuration" "this" {
  count = length(var.destination_regions) == 0 ? 0 : 1

  replication_configuration {
    rule {
      dynamic "destination" {
        for_each = var.destination_regions
        content {
          region      = destination.value
          registry_id = data.aws_caller_identity.current.account_id
        }
      }

      dynamic "repository_filter" {
        for_each = var.repository_prefixes
        content {
          filter      = repository_filter.value
          filter_type = "PREFIX_MATCH"
        }
      }
    }
  }
}
