# A root module kit would accept on its own.
provider "aws" {
  region = "us-east-1"
}

resource "aws_sqs_queue" "this" {
  name = "kit-guard-user-override-json"
}
