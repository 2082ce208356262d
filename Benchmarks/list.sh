#!/usr/bin/env bash
# Times `ipctool list --json` (and the table) over 10,000 POSIX segments, 10,000 POSIX
# semaphores and 1,000 objects of each System V kind, against `ls -l /dev/shm` and util-linux
# `lsipc --json`, in one run, in a private namespace, and prints ratios (below 1 means ipctool
# is faster).
# Also checks that memory grows linearly: peak RSS at the full set and at half of it.
# Needs root, hyperfine, python3, util-linux. Usage: Benchmarks/list.sh
set -euo pipefail
source "$(dirname "$0")/common.sh"
enter_private_namespace "$@"
build_release

fill_objects 5000 5000 500
half_rss=$(/usr/bin/time -f %M "$IPCTOOL" list --json 2>&1 >/dev/null)
fill_objects 10000 10000 500  # names repeat, so this completes the set: 10,000 + 10,000 + 3 x 1,000
echo "objects: $(ls /dev/shm | wc -l) in /dev/shm, $(tail -n +2 -q /proc/sysvipc/{msg,shm,sem} | wc -l) System V"
full_rss=$(/usr/bin/time -f %M "$IPCTOOL" list --json 2>&1 >/dev/null)

out=$(mktemp)
hyperfine --style basic --warmup 3 --min-runs 20 --export-json "$out" \
  "$IPCTOOL list --json" \
  "ls -l /dev/shm" \
  "$IPCTOOL list --json --kind sysv" \
  "lsipc --json --queues; lsipc --json --shmems; lsipc --json --semaphores" \
  "$IPCTOOL list" >&2

echo
echo "ipctool list --json (all six kinds) / ls -l /dev/shm: $(ratio "$(mean_of "$out" 0)" "$(mean_of "$out" 1)")x"
echo "ipctool list --json --kind sysv / lsipc --json (3 kinds): $(ratio "$(mean_of "$out" 2)" "$(mean_of "$out" 3)")x"
echo "ipctool list (the table, all six kinds) / ls -l /dev/shm: $(ratio "$(mean_of "$out" 4)" "$(mean_of "$out" 1)")x"
echo "peak RSS: ${half_rss} KiB at half the objects, ${full_rss} KiB at all of them"
rm -f "$out"
