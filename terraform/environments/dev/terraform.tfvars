environment        = "dev"
region             = "eu-west-1"
azs                = ["eu-west-1a", "eu-west-1b", "eu-west-1c"]
single_nat_gateway = true
github_repository  = "kit-dev/kit"
state_bucket       = "kit-terraform-state-000000000000"
state_kms_key_arn  = "arn:aws:kms:eu-west-1:000000000000:key/00000000-0000-0000-0000-000000000000"

node_groups = {
  default = {
    instance_types = ["t3.large"]
    capacity_type  = "SPOT"
    min_size       = 2
    max_size       = 4
    desired_size   = 2
  }
}

db_instance_class        = "db.t4g.medium"
db_instance_count        = 1
db_backup_retention_days = 7
db_deletion_protection   = false
log_retention_days       = 30

# Cluster admins besides CD's apply role (added as "cd"): the platform team's SSO role.
admin_principals = { platform = "arn:aws:iam::000000000000:role/kit-platform-admin" }

# Apps at <app>.dev.kit.example.com (kit.config.yaml apps.<app>.url); the certificate names each of them.
domain_name = "dev.kit.example.com"

# The hosted zone of domain_name: data-api.<domain_name> is an alias record in it.
route53_zone_id = "Z00000000000000000000"
