# tflint over every module and environment under terraform/ (kit/test/terraform/tflint.integration.test.ts).
# The ruleset is tflint's bundled terraform ruleset with its "recommended" preset: unused
# declarations, deprecated syntax, untyped variables, providers without a version constraint, and
# the rest of that preset. A rule turned off, or a finding accepted, is written here with why.
# The AWS ruleset (tflint-ruleset-aws) is not served by the Go module proxy this project builds
# from, so its checks (invalid instance types, regions, and the like) are not run here.

config {
  # Local modules are linted through their callers too (values passed in are evaluated).
  call_module_type = "local"
}

plugin "terraform" {
  enabled = true
  preset  = "recommended"
}
