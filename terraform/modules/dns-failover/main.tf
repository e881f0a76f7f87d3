# One side of a Route 53 failover pair for a regional endpoint (a load balancer, an API Gateway
# domain): the alias record at the public name, with failover routing, and the health check that
# decides it. The region that serves today applies it with role PRIMARY; the disaster-recovery copy
# of the environment (docs/disaster-recovery.md, "Region loss") applies it with role SECONDARY at
# the same name. Route 53 answers with the primary while its check passes and with the secondary
# when it fails; with no secondary yet, it keeps answering with the primary (all unhealthy counts
# as all healthy), so a lone PRIMARY is safe.
#
# The check calls the region's own endpoint (its target's DNS name), never the public name: a check
# of the public name would follow the failover to the secondary, pass, and fail back to a broken
# primary. Route 53 does not verify the certificate of an HTTPS check, so the target's own name will
# do; SNI carries the public name, which the endpoint's certificate covers.

resource "aws_route53_health_check" "regional" {
  fqdn              = var.target.dns_name
  port              = 443
  type              = "HTTPS"
  resource_path     = var.health_path
  enable_sni        = true
  request_interval  = 30
  failure_threshold = 3
  regions           = var.checker_regions

  tags = {
    Name = "${var.name}-${lower(var.role)}"
  }
}

resource "aws_route53_record" "this" {
  for_each = toset(var.record_types)

  zone_id         = var.zone_id
  name            = var.record_name
  type            = each.key
  set_identifier  = "${var.name}-${lower(var.role)}"
  health_check_id = aws_route53_health_check.regional.id

  failover_routing_policy {
    type = var.role
  }

  alias {
    name                   = var.target.dns_name
    zone_id                = var.target.zone_id
    evaluate_target_health = var.evaluate_target_health
  }
}
