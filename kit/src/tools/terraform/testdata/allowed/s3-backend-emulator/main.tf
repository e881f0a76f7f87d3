# Allowed: an S3 backend with every endpoint at the emulator and no credential source.
terraform {
  backend "s3" {
    bucket = "state"
    key    = "local/terraform.tfstate"
    region = "us-east-1"
    endpoints = {
      s3  = "http://127.0.0.1:4566"
      sts = "http://127.0.0.1:4566"
    }
    use_path_style = true
  }
}
