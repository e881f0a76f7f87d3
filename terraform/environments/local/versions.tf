terraform {
  required_version = ">= 1.10.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.0, < 7.0"
    }
  }

  # kit keeps this state under .kit/ (terraform init -backend-config=path=...).
  backend "local" {}
}

# tflocal points every service endpoint at the emulator; the configuration itself is the same as dev/prod's.
provider "aws" {
  region = var.region

  default_tags {
    tags = {
      Environment = "local"
      Project     = var.project
      ManagedBy   = "terraform"
    }
  }
}
