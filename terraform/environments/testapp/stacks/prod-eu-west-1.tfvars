region              = "eu-west-1"
environment         = "prod"
domain_name         = "testapp.example.com"
vpc_name            = "main-eu-west-1"
public_subnet_tags  = { Tier = "public" }
private_subnet_tags = { Tier = "private" }
mysql               = {}
