provider "aws" {
  alias   = "replica"
  region  = "us-west-2"
  profile = "production"
}

resource "aws_s3_bucket" "replica" {
  provider = aws.replica
  bucket   = "acme-replica"
}
