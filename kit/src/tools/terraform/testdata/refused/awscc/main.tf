terraform {
  required_providers {
    awscc = {
      source = "hashicorp/awscc"
    }
  }
}

# Cloud Control: a second AWS provider that no endpoint override of provider "aws" covers.
provider "awscc" {
  region = "us-east-1"
}

resource "awscc_sqs_queue" "this" {
  queue_name = "kit-guard-awscc"
}
