region              = "us-west-2"
environment         = "prod"
domain_name         = "testapp.example.com"
vpc_name            = "main-us-west-2"
public_subnet_tags  = { Tier = "public" }
private_subnet_tags = { Tier = "private" }
mysql               = {}
