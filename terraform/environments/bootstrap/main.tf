# Run once per account, before dev and prod: creates the S3 bucket their state lives in. Its own state
# is local (terraform.tfstate here, kept out of git); after the first apply it can be migrated into the
# bucket it made with `terraform init -migrate-state` and a backend block.
data "aws_caller_identity" "current" {}

module "state" {
  source = "../../modules/state"

  bucket = var.state_bucket
  # The environments' plan roles (assumable from pull requests) read state and take the lock only.
  read_only_principal_arns = ["arn:aws:iam::${data.aws_caller_identity.current.account_id}:role/${var.project}-*-ci-terraform-plan"]
}

# Prod's images in the disaster-recovery region too, as they are pushed (docs/disaster-recovery.md).
module "ecr_replication" {
  source = "../../modules/ecr-replication"

  destination_regions = var.dr_regions
  repository_prefixes = ["${var.project}-prod/"]
}
