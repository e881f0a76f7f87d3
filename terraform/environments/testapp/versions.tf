terraform {
  required_version = ">= 1.10.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.0, < 7.0"
    }
  }

  # One state per stack (region and environment), so a region's pipeline plans and changes its own
  # stack only: `terraform init -backend-config=key=testapp/<environment>/<region>.tfstate`
  # (scripts/drift-check.sh does it). The bucket is the account's state bucket.
  backend "s3" {
    bucket       = "kit-terraform-state-000000000000"
    key          = "testapp/unset.tfstate"
    region       = "us-east-1"
    encrypt      = true
    use_lockfile = true
  }
}

# Every resource carries Environment and ProjectId (always 1234), whichever module makes it.
provider "aws" {
  region = var.region

  default_tags {
    tags = {
      Environment = var.environment
      ProjectId   = "1234"
      App         = "testapp"
      ManagedBy   = "terraform"
    }
  }
}
