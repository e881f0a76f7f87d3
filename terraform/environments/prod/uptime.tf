# Every public endpoint checked from outside by Route 53 every 30 s (its readiness path over HTTPS);
# one that fails for two minutes pages (docs/answers.md, question 2; docs/runbooks.md).
module "uptime_checks" {
  source = "../../modules/uptime-checks"
  providers = {
    aws = aws.us_east_1
  }

  name                 = local.name
  checks               = { for app in sort(setunion(var.apps, ["data-api", "pmp"])) : app => { fqdn = "${app}.${var.domain_name}" } }
  pager_https_endpoint = var.pager_https_endpoint
  alarm_emails         = var.alarm_emails
}
