#!/usr/bin/env bash
# drift-check.sh ENVIRONMENT REGION: is this stack on AWS what the repository says?
#
# Plans the stack (stacks/ENVIRONMENT-REGION.tfvars, its own state) with -detailed-exitcode and
# changes nothing. Exit 0: up to date. Exit 3: drift; the plan above names every difference, and
# the pipeline stops before touching the instances. Exit 1: the plan failed. Exit 2: bad arguments.
#
# The Lambda's package is part of the stack: the script builds it (the same bytes for the same
# code) unless TF_VAR_autoupdate_lambda_zip names one. TERRAFORM picks the binary (default
# terraform); TESTAPP_SKIP_INIT=1 skips init when the caller has initialised the folder already.
set -euo pipefail

usage() {
  echo "usage: $0 ENVIRONMENT REGION   (stacks: $(cd "$root/stacks" && ls -- *.tfvars | sed 's/\.tfvars$//' | tr '\n' ' '))" >&2
  exit 2
}

root="$(cd "$(dirname "$0")/.." && pwd)"
[ $# -eq 2 ] || usage
environment="$1"
region="$2"
stack="${environment}-${region}"
if [ ! -f "$root/stacks/${stack}.tfvars" ]; then
  echo "drift-check: there is no stack ${stack}: ${root}/stacks/${stack}.tfvars does not exist" >&2
  usage
fi
terraform="${TERRAFORM:-terraform}"
cd "$root"

if [ -z "${TF_VAR_autoupdate_lambda_zip:-}" ]; then
  TF_VAR_autoupdate_lambda_zip="$("$root/scripts/build-lambda.sh")"
  export TF_VAR_autoupdate_lambda_zip
fi

if [ "${TESTAPP_SKIP_INIT:-0}" != "1" ]; then
  "$terraform" init -input=false -no-color -reconfigure \
    -backend-config="key=testapp/${environment}/${region}.tfstate"
fi

status=0
"$terraform" plan -input=false -no-color -lock-timeout=5m -detailed-exitcode \
  -var-file="stacks/${stack}.tfvars" || status=$?
case "$status" in
  0) echo "drift-check: ${stack} is up to date" ;;
  2)
    echo "drift-check: ${stack} has drifted from the repository (the plan above lists each change);" \
      "find who changed it (CloudTrail), then apply the repository or bring the change into it" >&2
    exit 3
    ;;
  *)
    echo "drift-check: planning ${stack} failed (exit ${status}); the output above says why" >&2
    exit 1
    ;;
esac
