# Allowed: providers that open no connection, beside hashicorp/aws; JSON and .tofu files are read too.
terraform {
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.0"
    }
    random = {
      source = "hashicorp/random"
    }
  }
}

resource "random_id" "suffix" {
  byte_length = 4
}

resource "terraform_data" "marker" {
  input = "$${not a template} %%{ nor this }"
}
