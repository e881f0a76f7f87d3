resource "aws_sqs_queue" "this" {
  name = "kit-guard-installed-module"
}
