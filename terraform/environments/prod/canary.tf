# The order canary (module synthetic-canary): every five minutes it places an order on the public
# order API, reads it back and cancels it, as a customer's client would (apps/order-canary). Two
# failed runs page through the environment's alarm topic (module observability in main.tf), with
# the runbook "The order canary failed".
module "order_canary" {
  source = "../../modules/synthetic-canary"

  name          = "${local.name}-orders"
  order_api_url = "https://node-app.${var.domain_name}"
  zip_file      = "${path.module}/../../../apps/order-canary/order-canary.zip"
  runbook       = "${local.runbooks}#the-order-canary-failed-alarm-env-orders-canary"
}
