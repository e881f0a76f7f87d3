environment        = "prod"
region             = "eu-west-1"
azs                = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
single_nat_gateway = false
github_repository  = "kit-dev/kit"
state_bucket       = "kit-terraform-state-000000000000"
state_kms_key_arn  = "arn:aws:kms:eu-west-1:000000000000:key/00000000-0000-0000-0000-000000000000"
# dev and prod share one account here: dev creates the GitHub OIDC provider, prod reuses it.
create_github_oidc_provider = false
github_oidc_provider_arn    = "arn:aws:iam::000000000000:oidc-provider/token.actions.githubusercontent.com"

node_groups = {
  default = {
    instance_types = ["m6i.large", "m6a.large"]
    min_size       = 3
    max_size       = 9
    desired_size   = 3
  }
}

db_instance_class        = "db.r6g.large"
db_instance_count        = 3
db_backup_retention_days = 35
db_deletion_protection   = true
# PCI DSS 10.5.1: keep audit trail history for at least 12 months.
log_retention_days = 400

# Cluster admins besides CD's apply role (added as "cd"): the platform team's SSO role.
admin_principals = { platform = "arn:aws:iam::000000000000:role/kit-platform-admin" }

# Apps at <app>.kit.example.com (kit.config.yaml apps.<app>.url); the certificate names each of them.
domain_name = "kit.example.com"

# The hosted zone of domain_name: data-api.<domain_name> is an alias record in it.
route53_zone_id = "Z00000000000000000000"
