#!/bin/bash
# Times `make run` from a fresh clone until the server answers, then a second
# `make run` in the same clone. Each recipe line is logged with its wall and
# CPU time (timed_shell.sh); the total CPU is that of every finished child of
# make when the page first answers (the server itself excluded).
# Usage: tools/startup/time_make_run.sh REV CLONE_DIR PORT OUT_DIR
# CHROOT=DIR runs it inside a Debian root made by debootstrap (a bare machine:
# the Debian packages are installed by `make run` itself); CLONE_DIR is then a
# path inside it. The clone gets an empty npm cache of its own. MAKE_ARGS are
# passed to make (for example RUN_JOBS=1).
set -euo pipefail
rev=$1 dir=$2 port=$3 out=$4
root=${CHROOT:-}
here=$(cd "$(dirname "$0")" && pwd)
repo=$(git -C "$here" rev-parse --show-toplevel)
mkdir -p "$out"
rm -rf "$root$dir"
git clone -q "$repo" "$root$dir"
git -C "$root$dir" checkout -q "$rev"
cp "$here/timed_shell.sh" "$root$dir/.timed_shell.sh"   # the same timer for every revision
if [ -n "$root" ]; then
  mount -t proc proc "$root/proc"; mount --bind /dev "$root/dev"
  # At the end: stop what this run left inside the root (apt runs dpkg in a
  # session of its own, outside the process group), then unmount.
  leave_root() {
    for p in /proc/[0-9]*; do
      [ "$(readlink "$p/root" 2>/dev/null)" = "$root" ] && kill "${p#/proc/}" 2>/dev/null
    done
    sleep 1; umount "$root/dev" "$root/proc"
  }
  trap leave_root EXIT
fi

run_once() { # label
  local label=$1 log="$dir/.steps-$1.tsv"
  local start=$(date +%s.%N)
  local cmd="cd $dir && exec make SHELL=$dir/.timed_shell.sh PORT=$port ${MAKE_ARGS:-} run"
  local env=(env TIMED_SHELL_LOG="$log" npm_config_cache="$dir/.npm-cache")
  # The host's extra CA bundle (a TLS-inspecting proxy), at the same path inside the root.
  [ -n "${NODE_EXTRA_CA_CERTS:-}" ] && env+=(NODE_EXTRA_CA_CERTS="$NODE_EXTRA_CA_CERTS")
  if [ -n "$root" ]; then
    setsid nice -n -20 chroot "$root" "${env[@]}" HOME=/root PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
      bash -c "$cmd" > "$out/$label.log" 2>&1 &
  else
    setsid nice -n -20 "${env[@]}" bash -c "$cmd" > "$out/$label.log" 2>&1 &
  fi
  local pid=$!
  until curl -s -o /dev/null "http://127.0.0.1:$port/"; do
    kill -0 "$pid" 2>/dev/null || { cp "$root$log" "$out/$label.steps.tsv" 2>/dev/null
      echo "$label: make run stopped before serving (see $out/$label.log)"; return 1; }
    sleep 0.1
  done
  local end=$(date +%s.%N)
  # Fields 16 and 17 of /proc/PID/stat: CPU of reaped children, in clock ticks.
  local cpu=$(awk -v hz="$(getconf CLK_TCK)" '{printf "%.1f", ($16 + $17) / hz}' "/proc/$pid/stat")
  kill -TERM -- "-$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  cp "$root$log" "$out/$label.steps.tsv"
  printf '%s\t%.1f\t%s\n' "$label" "$(echo "$end - $start" | bc)" "$cpu" | tee -a "$out/summary.tsv"
}
run_once "$(basename "$dir")-first"
run_once "$(basename "$dir")-second"
