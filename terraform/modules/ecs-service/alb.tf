# The service's public edge: an internet-facing ALB in the public subnets, HTTPS only (HTTP answers
# with a redirect), the WAF web ACL and access logs of module edge, and a Route 53 alias.

resource "aws_security_group" "alb" {
  name        = "${var.name}-alb"
  description = "${var.name} load balancer: HTTPS and the HTTP redirect from anywhere, to the tasks only"
  vpc_id      = var.vpc_id
  tags        = var.tags
}

resource "aws_vpc_security_group_ingress_rule" "alb_https" {
  security_group_id = aws_security_group.alb.id
  description       = "HTTPS from anywhere"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}

resource "aws_vpc_security_group_ingress_rule" "alb_http" {
  #checkov:skip=CKV_AWS_260:Port 80 only answers with a redirect to HTTPS (listener http); no request is forwarded on it.
  security_group_id = aws_security_group.alb.id
  description       = "HTTP from anywhere, redirected to HTTPS"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 80
  to_port           = 80
}

resource "aws_vpc_security_group_egress_rule" "alb_to_tasks" {
  security_group_id            = aws_security_group.alb.id
  description                  = "To the tasks' port"
  referenced_security_group_id = aws_security_group.service.id
  ip_protocol                  = "tcp"
  from_port                    = var.container_port
  to_port                      = var.container_port
}

resource "aws_security_group" "service" {
  name        = "${var.name}-tasks"
  description = "${var.name} tasks: the app's port from the load balancer only"
  vpc_id      = var.vpc_id
  tags        = var.tags
}

resource "aws_vpc_security_group_ingress_rule" "tasks_from_alb" {
  security_group_id            = aws_security_group.service.id
  description                  = "The app's port from the load balancer"
  referenced_security_group_id = aws_security_group.alb.id
  ip_protocol                  = "tcp"
  from_port                    = var.container_port
  to_port                      = var.container_port
}

# trivy: AWS-0104 (egress to any address) accepted: port 443 only, to AWS APIs that have no fixed
# addresses (ECR, CloudWatch Logs, DynamoDB), through NAT or VPC endpoints.
#trivy:ignore:AVD-AWS-0104
resource "aws_vpc_security_group_egress_rule" "tasks_https" {
  security_group_id = aws_security_group.service.id
  description       = "HTTPS to AWS APIs (ECR, CloudWatch Logs, DynamoDB) through NAT or endpoints"
  cidr_ipv4         = "0.0.0.0/0"
  ip_protocol       = "tcp"
  from_port         = 443
  to_port           = 443
}

# trivy: AWS-0053 (internet-facing load balancer) accepted: it is the service's public entry point,
# behind module edge's web ACL (var.web_acl_arn).
#trivy:ignore:AVD-AWS-0053
resource "aws_lb" "this" {
  #checkov:skip=CKV2_AWS_76:The web ACL is module edge's (var.web_acl_arn), which has AWSManagedRulesKnownBadInputsRuleSet (Log4j); checkov cannot see across modules.
  name                       = "${var.name}-alb"
  load_balancer_type         = "application"
  internal                   = false
  subnets                    = var.public_subnet_ids
  security_groups            = [aws_security_group.alb.id]
  drop_invalid_header_fields = true
  enable_deletion_protection = var.deletion_protection
  # Above the app's keep-alive timeout is wrong; below it (75 s) the ALB closes idle connections first.
  idle_timeout = 60

  access_logs {
    bucket  = var.access_logs_bucket
    prefix  = var.name
    enabled = true
  }

  tags = var.tags
}

resource "aws_wafv2_web_acl_association" "this" {
  resource_arn = aws_lb.this.arn
  web_acl_arn  = var.web_acl_arn
}

resource "aws_lb_target_group" "this" {
  name        = "${var.name}-tg"
  target_type = "ip"
  protocol    = "HTTP"
  port        = var.container_port
  vpc_id      = var.vpc_id
  # Longer than the app's DRAIN_DELAY_MS, so the target leaves the ALB before the app stops accepting.
  deregistration_delay = 30

  health_check {
    path                = var.health_check_path
    matcher             = "200"
    interval            = 10
    timeout             = 5
    healthy_threshold   = 2
    unhealthy_threshold = 3
  }

  tags = var.tags
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

  tags = var.tags
}

resource "aws_lb_listener" "http" {
  #checkov:skip=CKV_AWS_2:This listener only redirects to HTTPS; the https listener serves.
  #checkov:skip=CKV_AWS_103:No TLS on a listener that only redirects to HTTPS.
  load_balancer_arn = aws_lb.this.arn
  port              = 80
  protocol          = "HTTP"

  default_action {
    type = "redirect"
    redirect {
      protocol    = "HTTPS"
      port        = "443"
      status_code = "HTTP_301"
    }
  }

  tags = var.tags
}

# The public name: one side of a Route 53 failover pair (module dns-failover), PRIMARY here and
# SECONDARY in the disaster-recovery copy of the environment, decided by a check of this region's
# own load balancer.
module "dns" {
  source = "../dns-failover"

  name        = var.name
  role        = var.failover_role
  zone_id     = var.zone_id
  record_name = var.domain_name
  target      = { dns_name = aws_lb.this.dns_name, zone_id = aws_lb.this.zone_id }
  health_path = var.health_check_path
}

# Was a plain alias record: replaced (the set identifier is new) rather than left beside the pair.
moved {
  from = aws_route53_record.this
  to   = module.dns.aws_route53_record.this["A"]
}
