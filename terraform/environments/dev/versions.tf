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
    tags = local.default_tags
  }
}

# The disaster-recovery region: the databases' backup copies (module backup).
provider "aws" {
  alias  = "dr"
  region = var.dr_region

  default_tags {
    tags = local.default_tags
  }
}

# us-east-1: Route 53 health checks publish their metrics there only (module uptime-checks).
provider "aws" {
  alias  = "us_east_1"
  region = "us-east-1"

  default_tags {
    tags = local.default_tags
  }
}

locals {
  default_tags = {
    Environment = var.environment
    Project     = var.project
    ManagedBy   = "terraform"
    Repository  = var.github_repository
  }
}
