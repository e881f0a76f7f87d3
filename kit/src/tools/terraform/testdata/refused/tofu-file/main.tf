# Terraform reads this file; OpenTofu reads main.tofu instead of it.
provider "aws" {
  region = "us-east-1"
}

resource "aws_sqs_queue" "this" {
  name = "kit-guard-tofu-file"
}
