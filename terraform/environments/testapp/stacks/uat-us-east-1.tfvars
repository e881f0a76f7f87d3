region              = "us-east-1"
environment         = "uat"
domain_name         = "uat.testapp.example.com"
vpc_name            = "main-us-east-1"
public_subnet_tags  = { Tier = "public" }
private_subnet_tags = { Tier = "private" }
min_size            = 3
