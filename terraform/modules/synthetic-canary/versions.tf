terraform {
  # 1.10: S3 state locking without DynamoDB (environments); 1.7: mock providers in `terraform test`.
  required_version = ">= 1.10.0"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 6.0, < 7.0"
    }
  }
}
