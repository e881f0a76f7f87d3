terraform {
  required_version = ">= 1.10.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.0, < 7.0"
    }
  }

  # State in S3 with S3-native locking (a .tflock object beside the state; Terraform/OpenTofu >= 1.10).
  # The bucket comes from terraform/environments/bootstrap. Override with -backend-config for another account.
  backend "s3" {
    bucket       = "kit-terraform-state-000000000000"
    key          = "dev/terraform.tfstate"
    region       = "eu-west-1"
    encrypt      = true
    use_lockfile = true
  }
}

provider "aws" {
  region = var.region

  # Every resource carries Environment and Project without each module repeating them.
  default_tags {
    tags = {
      Environment = var.environment
      Project     = var.project
      ManagedBy   = "terraform"
      Repository  = var.github_repository
    }
  }
}
