# Allowed in local mode: aliased providers in the root module each get an endpoint override.
provider "aws" {
  region = "us-east-1"
}

provider "aws" {
  alias  = "west" # a second region
  region = "us-west-2"
}

/* remote state kept local */
data "terraform_remote_state" "network" {
  backend = "local"
  config = {
    path = "${path.module}/network.tfstate"
  }
}

resource "aws_s3_bucket" "west" {
  provider = aws.west
  bucket   = "kit-${"west"}-bucket"
  tags = {
    Note = <<-EOT
      braces { in heredoc } are not blocks
    EOT
  }
}
