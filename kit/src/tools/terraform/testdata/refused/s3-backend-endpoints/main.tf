terraform {
  backend "s3" {
    bucket = "state"
    key    = "local/terraform.tfstate"
    region = "us-east-1"
    endpoints = {
      s3       = "http://127.0.0.1:4566"
      dynamodb = "http://__CANARY__"
      sts      = "http://__CANARY__"
    }
    profile = "production"
  }
}
