#!/bin/bash
# Records which emulator serves this environment, so apps and scripts can tell they run locally.
set -euo pipefail
awslocal ssm put-parameter --overwrite --type String \
  --name /kit/local/emulator --value "${KIT_EMULATOR:-local}" >/dev/null
echo "init: /kit/local/emulator written"
