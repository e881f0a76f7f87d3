provider "aws" {
  region = "us-east-1"
}

# A local path here; the manifest below says what init installed, wherever TF_DATA_DIR put it.
module "queue" {
  source = "./queue"
}
