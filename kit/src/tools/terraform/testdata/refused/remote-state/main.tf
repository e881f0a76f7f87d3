data "terraform_remote_state" "network" {
  backend = "s3"
  config = {
    bucket = "acme-state"
    key    = "network.tfstate"
    region = "eu-west-1"
  }
}
