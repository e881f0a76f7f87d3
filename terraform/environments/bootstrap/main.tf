# Run once per account, before dev and prod: creates the S3 bucket their state lives in. Its own state
# is local (terraform.tfstate here, kept out of git); after the first apply it can be migrated into the
# bucket it made with `terraform init -migrate-state` and a backend block.
module "state" {
  source = "../../modules/state"

  bucket = var.state_bucket
}
