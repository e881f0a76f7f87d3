#!/usr/bin/env bash
# autoupdate.sh ENVIRONMENT REGION [REPORT.json]: runs /usr/local/bin/testapp-autoupdater on the
# stack's running instances through SSM (the stack's Run Command document), waits for every
# instance and prints each one's result. Exit 0: all updated; 1: one failed, timed out, or no
# instance was found; 2: bad arguments. Credentials: the agent's IAM role, as for any AWS CLI.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../../../.." && pwd)"
[ $# -ge 2 ] || { echo "usage: $0 ENVIRONMENT REGION [REPORT.json]" >&2; exit 2; }
app="$repo/apps/testapp-autoupdate"
venv="${TESTAPP_VENV:-$app/.venv}"
if [ ! -x "$venv/bin/python" ] || ! cmp -s "$app/requirements.txt" "$venv/requirements.txt"; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet -r "$app/requirements.txt"
  cp "$app/requirements.txt" "$venv/requirements.txt"
fi
cd "$app"
exec "$venv/bin/python" -m testapp_autoupdate --environment "$1" --region "$2" ${3:+--report "$3"}
