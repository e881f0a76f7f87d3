#!/bin/bash
# Run by local-exec inside the sandbox: try every canary address; the sandbox must block them all.
for target in __CANARY_TARGETS__; do
  if (exec 3<>"/dev/tcp/${target%:*}/${target##*:}") 2>/dev/null; then
    echo "probe: CONNECTED $target"
  else
    echo "probe: blocked $target"
  fi
done
