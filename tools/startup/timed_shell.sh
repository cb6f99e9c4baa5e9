#!/bin/bash
# A SHELL for make that logs each recipe line's wall and CPU time (children
# included) to $TIMED_SHELL_LOG: "wall<TAB>user<TAB>sys<TAB>command".
# Used by tools/startup/time_make_run.sh: make SHELL=tools/startup/timed_shell.sh ...
log=${TIMED_SHELL_LOG:?TIMED_SHELL_LOG is not set}
tf=$(mktemp)
/usr/bin/time -f '%e\t%U\t%S' -o "$tf" /bin/bash "$@"
rc=$?
cmd=${*: -1}
printf '%s\t%s\n' "$(tail -n 1 "$tf")" "$(printf '%s' "$cmd" | tr '\t\n' '  ' | cut -c1-160)" >> "$log"
rm -f "$tf"
exit $rc
