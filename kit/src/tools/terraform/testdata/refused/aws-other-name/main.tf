terraform {
  required_providers {
    amazon = {
      source = "hashicorp/aws"
    }
  }
}

provider "aws" {
  region = "us-east-1"
}

# The same provider under another local name: an override of provider "aws" never touches it.
provider "amazon" {
  region      = "us-east-1"
  max_retries = 1
  endpoints {
    sqs = "http://__CANARY__"
    sts = "http://__CANARY__"
  }
}

resource "aws_sqs_queue" "this" {
  provider = amazon
  name     = "kit-guard-aws-other-name"
}
