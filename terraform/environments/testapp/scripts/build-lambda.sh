#!/usr/bin/env bash
# build-lambda.sh [OUT.zip]: writes the on-demand autoupdate Lambda's package and prints its path.
# The same sources give the same bytes, so Terraform sees a change only when the code changes.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../../../.." && pwd)"
out="${1:-$repo/apps/testapp-autoupdate/dist/autoupdate-lambda.zip}"
cd "$repo/apps/testapp-autoupdate"
python3 -m testapp_autoupdate.package "$out"
