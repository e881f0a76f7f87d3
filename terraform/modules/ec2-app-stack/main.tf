# Seed 002's "test-app" in one region and environment: an internet-facing ALB (80 redirects to 443),
# an autoscaling group of 3 to 6 instances behind it, managed by SSM, and optionally a private MySQL
# the instances alone reach. Everything the account already has (the VPC, its subnets, the AMI) is
# looked up, not hard-coded. environments/testapp instantiates it per region and environment.

data "aws_region" "current" {}
data "aws_caller_identity" "current" {}
data "aws_partition" "current" {}

data "aws_vpc" "this" {
  default = var.vpc_name == null
  tags    = var.vpc_name == null ? null : { Name = var.vpc_name }
}

data "aws_subnets" "public" {
  filter {
    name   = "vpc-id"
    values = [data.aws_vpc.this.id]
  }
  tags = var.public_subnet_tags
}

data "aws_subnets" "private" {
  filter {
    name   = "vpc-id"
    values = [data.aws_vpc.this.id]
  }
  tags = var.private_subnet_tags
}

# The latest Amazon Linux 2023 AMI as AWS publishes it per region (SSM public parameter), so every
# region gets its own image id and an instance refresh picks up a new one.
data "aws_ssm_parameter" "ami" {
  name = var.ami_parameter
}

locals {
  name      = "${var.app}-${var.environment}"
  partition = data.aws_partition.current.partition
  region    = data.aws_region.current.region
  account   = data.aws_caller_identity.current.account_id
  # Throwaway copies (the emulator's) turn it off to be destroyed.
  deletion_protection = coalesce(var.deletion_protection, var.environment == "prod")
}

resource "aws_security_group" "alb" {
  name        = "${local.name}-alb"
  description = "${local.name} load balancer: HTTP and HTTPS from the internet"
  vpc_id      = data.aws_vpc.this.id

  tags = { Name = "${local.name}-alb" }
}

resource "aws_vpc_security_group_ingress_rule" "alb" {
  #checkov:skip=CKV_AWS_260:The application is public on 80 (redirected) and 443, as the seed asks.
  for_each = toset(["80", "443"])

  security_group_id = aws_security_group.alb.id
  description       = "Port ${each.key} from the internet"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = tonumber(each.key)
  to_port           = tonumber(each.key)
}

resource "aws_vpc_security_group_egress_rule" "alb_to_instances" {
  security_group_id            = aws_security_group.alb.id
  description                  = "HTTP to the instances"
  referenced_security_group_id = aws_security_group.instances.id
  ip_protocol                  = "tcp"
  from_port                    = var.app_port
  to_port                      = var.app_port
}

# trivy: AWS-0053 (internet-facing load balancer) accepted: it is the stack's public entry point (seed 002).
#trivy:ignore:AVD-AWS-0053
resource "aws_lb" "this" {
  #checkov:skip=CKV2_AWS_28:WAF is the account's choice (module edge has one); the seed asks for ports 80 and 443 only.
  name                       = local.name
  load_balancer_type         = "application"
  internal                   = false
  security_groups            = [aws_security_group.alb.id]
  subnets                    = data.aws_subnets.public.ids
  drop_invalid_header_fields = true
  enable_deletion_protection = local.deletion_protection

  #checkov:skip=CKV_AWS_91:Access logs when the account gives a bucket (access_logs_bucket).
  dynamic "access_logs" {
    for_each = var.access_logs_bucket == null ? [] : [var.access_logs_bucket]
    content {
      bucket  = access_logs.value
      prefix  = local.name
      enabled = true
    }
  }
}

resource "aws_lb_target_group" "this" {
  name                 = local.name
  port                 = var.app_port
  protocol             = "HTTP"
  vpc_id               = data.aws_vpc.this.id
  deregistration_delay = 30

  health_check {
    path                = var.health_check_path
    interval            = 15
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 3
    matcher             = "200"
  }
}

resource "aws_lb_listener" "http" {
  #checkov:skip=CKV_AWS_2:Port 80 only redirects to HTTPS.
  #checkov:skip=CKV_AWS_103:Port 80 only redirects to HTTPS.
  load_balancer_arn = aws_lb.this.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type = "redirect"
    redirect {
      port        = "443"
      protocol    = "HTTPS"
      status_code = "HTTP_301"
    }
  }
}

resource "aws_lb_listener" "https" {
  load_balancer_arn = aws_lb.this.arn
  port              = 443
  protocol          = "HTTPS"
  ssl_policy        = "ELBSecurityPolicy-TLS13-1-2-2021-06"
  certificate_arn   = var.certificate_arn

  default_action {
    type             = "forward"
    target_group_arn = aws_lb_target_group.this.arn
  }
}
