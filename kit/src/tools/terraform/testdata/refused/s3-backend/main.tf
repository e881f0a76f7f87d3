# Must be refused in local mode: state in a real S3 bucket (no endpoint aimed at the emulator).
terraform {
  backend "s3" {
    bucket = "acme-terraform-state"
    key    = "orders/terraform.tfstate"
    region = "eu-west-1"
  }
}

provider "aws" {
  region = "eu-west-1"
}

resource "aws_s3_bucket" "this" {
  bucket = "acme-orders"
}
