# Must be refused in local mode: the child module configures its own AWS provider (with a profile),
# which an override in the root module cannot redirect.
provider "aws" {
  region = "us-east-1"
}

module "store" {
  source = "./modules/store"
}
