#!/bin/bash
# Times `make run` from a fresh clone until the server answers, then a second
# `make run` in the same clone. Each recipe line is logged with its wall and
# CPU time (timed_shell.sh); the total CPU is that of every finished child of
# make when the page first answers (the server itself excluded).
# Usage: tools/startup/time_make_run.sh REV CLONE_DIR PORT OUT_DIR
# The clone gets an empty npm cache of its own, as a fresh machine has.
set -euo pipefail
rev=$1 dir=$2 port=$3 out=$4
here=$(cd "$(dirname "$0")" && pwd)
repo=$(git -C "$here" rev-parse --show-toplevel)
mkdir -p "$out"
rm -rf "$dir"
git clone -q "$repo" "$dir"
git -C "$dir" checkout -q "$rev"
cp "$here/timed_shell.sh" "$dir/.timed_shell.sh"   # the same timer for every revision

run_once() { # label
  local label=$1 log="$out/$1.steps.tsv"
  : > "$log"
  local start=$(date +%s.%N)
  ( cd "$dir" && TIMED_SHELL_LOG="$log" npm_config_cache="$dir/.npm-cache" \
      exec setsid nice -n -20 make SHELL="$dir/.timed_shell.sh" PORT="$port" run ) > "$out/$label.log" 2>&1 &
  local pid=$!
  until curl -s -o /dev/null "http://127.0.0.1:$port/"; do
    kill -0 "$pid" 2>/dev/null || { echo "$label: make run stopped before serving (see $out/$label.log)"; return 1; }
    sleep 0.1
  done
  local end=$(date +%s.%N)
  # Fields 16 and 17 of /proc/PID/stat: CPU of reaped children, in clock ticks.
  local cpu=$(awk -v hz="$(getconf CLK_TCK)" '{printf "%.1f", ($16 + $17) / hz}' "/proc/$pid/stat")
  kill -TERM -- "-$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  printf '%s\t%.1f\t%s\n' "$label" "$(echo "$end - $start" | bc)" "$cpu" | tee -a "$out/summary.tsv"
}
run_once "$(basename "$dir")-first"
run_once "$(basename "$dir")-second"
