mock_provider "aws" {}

variables {
  name = "kit-prod"
  checks = {
    go-app = { fqdn = "go-app.kit.example.com" }
    pmp    = { fqdn = "pmp.kit.example.com", path = "/status" }
  }
}

run "each_endpoint_is_called_over_https_from_three_regions" {
  command = plan

  assert {
    condition     = { for k, c in aws_route53_health_check.this : k => [c.type, c.fqdn, c.resource_path, length(c.regions)] } == { go-app = ["HTTPS", "go-app.kit.example.com", "/readyz", 3], pmp = ["HTTPS", "pmp.kit.example.com", "/status", 3] }
    error_message = "One HTTPS check per endpoint, its readiness path, from three regions."
  }
}

run "a_failing_endpoint_pages_within_two_minutes" {
  command = plan

  assert {
    condition     = output.alarms["go-app-down"].evaluation_periods * output.alarms["go-app-down"].period == 120 && output.alarms["go-app-down"].treat_missing_data == "breaching" && output.alarms["go-app-down"].severity == "page"
    error_message = "Two failed minutes page; no data counts as down."
  }
}

run "refuses_a_url_where_a_host_name_belongs" {
  command = plan

  variables {
    checks = { go-app = { fqdn = "https://go-app.kit.example.com/readyz" } }
  }

  expect_failures = [var.checks]
}
