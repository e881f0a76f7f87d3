state_bucket = "kit-terraform-state-000000000000"
