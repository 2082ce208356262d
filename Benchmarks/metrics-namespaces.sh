#!/usr/bin/env bash
# Times `ipctool metrics --all-namespaces` against `ipctool list --all-namespaces --json` over
# 50 IPC namespaces of 100 objects each (40 POSIX segments, 30 POSIX semaphores, 10 of each
# System V kind, each namespace with a /dev/shm of its own), in one hyperfine run, and prints
# the ratio of the medians (#26 asks for 1.5x or less). metrics reads the users (one /proc scan
# a run, shared by every namespace) and each namespace's kernel limits, which list --json does
# not: `list -A --json --users` is timed too. Runs in private IPC, mount and PID namespaces, so --all-namespaces sees the benchmark's
# namespaces only, and everything it makes ends with it.
# Needs root, hyperfine, python3, util-linux. Usage: Benchmarks/metrics-namespaces.sh
set -euo pipefail
if [ -z "${IPCTOOL_BENCH_INSIDE:-}" ]; then
  [ "$(id -u)" = 0 ] || { echo "run as root: the benchmark needs private namespaces" >&2; exit 1; }
  IPCTOOL_BENCH_INSIDE=1 exec unshare --ipc --mount --pid --fork --mount-proc \
    --propagation private "$0" "$@"
fi
source "$(dirname "$0")/common.sh"
mount -t tmpfs -o size=64m ipctool-bench /dev/shm
build_release
export IPCTOOL

holders=()
trap 'kill "${holders[@]}" 2>/dev/null || true' EXIT
for n in $(seq 50); do
  # A namespace with its own /dev/shm, filled, then held open by a sleeping process.
  unshare --ipc --mount --propagation private --fork --kill-child bash -c '
    source "$1"; mount -t tmpfs -o size=64m bench /dev/shm; fill_objects 40 30 10; exec sleep 3600
  ' bash "$(dirname "$0")/common.sh" >/dev/null &
  holders+=($!)
done
for holder in "${holders[@]}"; do
  until child=$(cat "/proc/$holder/task/$holder/children" 2>/dev/null) && [ -n "$child" ] \
    && [ "$(readlink "/proc/${child%% *}/exe")" = "$(readlink -f "$(command -v sleep)")" ]; do sleep 0.1; done
done
echo "namespaces: $("$IPCTOOL" namespaces | tail -n +2 | wc -l)," \
  "objects: $("$IPCTOOL" list --all-namespaces --no-headings | wc -l)"

out=$(mktemp)
hyperfine --style basic --warmup 2 --min-runs 15 --export-json "$out" \
  "$IPCTOOL metrics --all-namespaces" \
  "$IPCTOOL list --all-namespaces --json" \
  "$IPCTOOL list --all-namespaces --json --users" >&2
median_of() { python3 -c "import json, sys; print(json.load(open(sys.argv[1]))['results'][int(sys.argv[2])]['median'])" "$1" "$2"; }
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
echo "metrics -A / list -A --json (medians): $(ratio "$(median_of "$out" 0)" "$(median_of "$out" 1)")x"
echo "metrics -A / list -A --json --users (medians): $(ratio "$(median_of "$out" 0)" "$(median_of "$out" 2)")x"
rm -f "$out"
