# Synthetic checks from outside: Route 53's health checkers call each public endpoint over HTTPS
# every 30 s from three regions, as a customer would (docs/answers.md, question 2). The alarms on
# them are module observability's, given `alarms` from here: Route 53 publishes the health checks'
# metrics in us-east-1 only, so the environment applies that module a second time there, with its
# topic, key and pager subscription (environments/*/uptime.tf).

resource "aws_route53_health_check" "this" {
  for_each = var.checks

  fqdn              = each.value.fqdn
  port              = 443
  type              = "HTTPS"
  resource_path     = each.value.path
  enable_sni        = true
  request_interval  = 30
  failure_threshold = 3
  measure_latency   = true
  regions           = var.checker_regions

  tags = {
    Name = "${var.name}-${each.key}"
  }
}
