variable "access_key" {
  type = string
}

variable "endpoint" {
  type = string
}

provider "aws" {
  region = "us-east-1"
}

provider "aws" {
  alias      = "real"
  region     = "us-east-1"
  access_key = var.access_key
  secret_key = "x"
  max_retries = 1
  endpoints {
    sqs = var.endpoint
    sts = var.endpoint
  }
}

resource "aws_sqs_queue" "this" {
  provider = aws.real
  name     = "kit-guard-tfvars-key"
}
