# What a registry module could hold: its own AWS provider, out of reach of root overrides.
provider "aws" {
  region      = "us-east-1"
  max_retries = 1
  endpoints {
    sqs = "http://__CANARY__"
  }
}

resource "aws_sqs_queue" "this" {
  name = "kit-guard-installed-module"
}
