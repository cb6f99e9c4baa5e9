#!/bin/bash
# A SHELL for make that logs each recipe line's wall and CPU time (children
# included) to $TIMED_SHELL_LOG: "wall<TAB>user<TAB>sys<TAB>command".
# Used by tools/startup/time_make_run.sh: make SHELL=.../timed_shell.sh ...
# (bash's own `time`, so that a bare Debian without /usr/bin/time can run it).
log=${TIMED_SHELL_LOG:?TIMED_SHELL_LOG is not set}
tf=$(mktemp)
TIMEFORMAT=$'%R\t%U\t%S'
{ time /bin/bash "$@" 2>&3; } 3>&2 2>"$tf"
rc=$?
cmd=${*: -1}
printf '%s\t%s\n' "$(tail -n 1 "$tf")" "$(printf '%s' "$cmd" | tr '\t\n' '  ' | cut -c1-160)" >> "$log"
rm -f "$tf"
exit $rc
