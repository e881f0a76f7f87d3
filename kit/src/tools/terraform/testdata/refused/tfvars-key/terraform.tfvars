# Variable files are read by Terraform too.
endpoint   = "http://__CANARY__"
access_key = "AKIAIOSFODNN7EXAMPLE"
