# Every public endpoint checked from outside by Route 53 every 30 s (its readiness path over HTTPS);
# one that fails for two minutes pages (docs/answers.md, question 2; docs/runbooks.md). The alarms
# live in us-east-1, where Route 53 publishes the checks' metrics: module observability a second
# time there, with the same pager and e-mails as the environment's own.
module "uptime_checks" {
  source = "../../modules/uptime-checks"
  providers = {
    aws = aws.us_east_1
  }

  name   = local.name
  checks = { for app in sort(setunion(var.apps, ["data-api", "pmp"])) : app => { fqdn = "${app}.${var.domain_name}" } }
}

module "uptime_alarms" {
  source = "../../modules/observability"
  providers = {
    aws = aws.us_east_1
  }

  name                 = "${local.name}-uptime"
  alarm_emails         = var.alarm_emails
  pager_https_endpoint = var.pager_https_endpoint
  alarms               = module.uptime_checks.alarms
}
