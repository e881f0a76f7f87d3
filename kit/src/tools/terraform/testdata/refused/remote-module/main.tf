module "vpc" {
  source = "git::http://__CANARY__/vpc.git"
}
