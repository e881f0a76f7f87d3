mock_provider "aws" {}

variables {
  name        = "kit-prod-data-api"
  zone_id     = "Z0123456789ABC"
  record_name = "data-api.kit.example.com"
  target = {
    dns_name = "kit-prod-data-api-123.eu-west-1.elb.amazonaws.com"
    zone_id  = "Z32O12XQLNTSW2"
  }
}

run "the_primary_answers_while_its_own_check_passes" {
  command = apply

  assert {
    condition     = aws_route53_record.this["A"].failover_routing_policy[0].type == "PRIMARY" && aws_route53_record.this["A"].set_identifier == "kit-prod-data-api-primary"
    error_message = "The serving region's record is the PRIMARY of the pair."
  }

  assert {
    condition     = aws_route53_record.this["A"].health_check_id == aws_route53_health_check.regional.id && aws_route53_record.this["A"].alias[0].evaluate_target_health
    error_message = "The record follows its health check and its target's own health."
  }
}

run "the_check_calls_the_region_not_the_public_name" {
  command = plan

  assert {
    condition     = aws_route53_health_check.regional.fqdn == "kit-prod-data-api-123.eu-west-1.elb.amazonaws.com" && aws_route53_health_check.regional.type == "HTTPS" && aws_route53_health_check.regional.resource_path == "/readyz"
    error_message = "A check of the public name would follow the failover and fail back to a broken primary."
  }
}

run "the_recovery_copy_is_the_secondary_at_the_same_name" {
  command = plan

  variables {
    role         = "SECONDARY"
    record_types = ["A", "AAAA"]
  }

  assert {
    condition     = [for t in ["A", "AAAA"] : [aws_route53_record.this[t].name, aws_route53_record.this[t].failover_routing_policy[0].type]] == [["data-api.kit.example.com", "SECONDARY"], ["data-api.kit.example.com", "SECONDARY"]]
    error_message = "The DR copy answers at the same name as the SECONDARY."
  }
}

run "refuses_an_unknown_role" {
  command = plan

  variables {
    role = "ACTIVE"
  }

  expect_failures = [var.role]
}

run "refuses_a_url_where_a_name_belongs" {
  command = plan

  variables {
    record_name = "https://data-api.kit.example.com"
  }

  expect_failures = [var.record_name]
}
