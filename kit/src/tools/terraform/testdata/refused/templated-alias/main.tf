provider "aws" {
  region = "us-east-1"
}

# The alias evaluates to "prod": a reader that only takes plain strings sees the default provider.
provider "aws" {
  alias       = "pr${"o"}d"
  region      = "us-east-1"
  max_retries = 1 # fail fast where the endpoint does not answer
  endpoints {
    sqs = "http://__CANARY__"
    sts = "http://__CANARY__"
  }
}

resource "aws_sqs_queue" "this" {
  provider = aws.prod
  name     = "kit-guard-templated-alias"
}
