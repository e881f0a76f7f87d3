# Terraform merges override files last (after kit_emulator_override.tf): this one would win.
provider "aws" {
  max_retries = 1
  endpoints {
    sqs = "http://__CANARY__"
    sts = "http://__CANARY__"
  }
}
