# The team reaches the private databases through SSM Session Manager port forwarding (no SSH, no
# public address): docs/runbooks.md, "Reach a database". Attach the output db_access_policy_arn to
# the team's role.
module "db_access" {
  source = "../../modules/db-access"

  name      = "${local.name}-db-access"
  vpc_id    = module.network.vpc_id
  subnet_id = module.network.private_subnet_ids[0]
  targets = {
    orders = { security_group_id = module.database.security_group_id, port = module.database.port }
    pmp    = { security_group_id = module.pmp_database.proxy_security_group_id, port = 5432 }
  }
}

output "db_access_instance_id" {
  description = "aws ssm start-session --target <this> --document-name AWS-StartPortForwardingSessionToRemoteHost (docs/runbooks.md)."
  value       = module.db_access.instance_id
}

output "db_access_policy_arn" {
  description = "Attach to the team's role: port forwarding to the databases through the db-access host."
  value       = module.db_access.session_policy_arn
}
