region              = "us-east-1"
environment         = "prod"
domain_name         = "testapp.example.com"
vpc_name            = "main-us-east-1"
public_subnet_tags  = { Tier = "public" }
private_subnet_tags = { Tier = "private" }
mysql               = {}
