# Seed 002's test-app: one stack (module ec2-app-stack) per region and environment: production in
# us-east-1, us-west-2 and eu-west-1, UAT in us-east-1. Each is this root with its stacks/*.tfvars
# and a state of its own. What the account already has is looked up: the VPC and subnets by tag, the
# AMI from AWS's public parameter, the HTTPS certificate from ACM.

data "aws_acm_certificate" "this" {
  domain      = var.domain_name
  statuses    = ["ISSUED"]
  most_recent = true
}

module "stack" {
  source = "../../modules/ec2-app-stack"

  environment           = var.environment
  vpc_name              = var.vpc_name
  public_subnet_tags    = var.public_subnet_tags
  private_subnet_tags   = var.private_subnet_tags
  instance_type         = var.instance_type
  min_size              = var.min_size
  max_size              = var.max_size
  certificate_arn       = data.aws_acm_certificate.this.arn
  access_logs_bucket    = var.access_logs_bucket
  mysql                 = var.mysql
  deletion_protection   = var.deletion_protection
  autoupdate_lambda_zip = var.autoupdate_lambda_zip
  tags = {
    Environment = var.environment
    ProjectId   = "1234"
  }
}
