#!/usr/bin/env bash
# Times `ipctool clean` (with its in-use check: one /proc scan) against removing the same
# objects with rm and ipcrm, side by side, over 10,000 POSIX segments + 10,000 POSIX semaphores
# and 1,000 objects of each System V kind, refilled before every run, in a private namespace.
# Prints ratios (below 1 means ipctool is faster). Needs root, hyperfine, python3, util-linux.
# System V objects wait 6 s after they are made: clean keeps a queue or set used or made in
# the last 5 s (see man ipctool, NOTES), and what is measured here is the removal.
# Usage: Benchmarks/clean.sh
set -euo pipefail
source "$(dirname "$0")/common.sh"
enter_private_namespace "$@"
build_release
export IPCTOOL
export -f fill_objects

out=$(mktemp)
hyperfine --style basic -N --runs 5 --export-json "$out" \
  --prepare "bash -c 'fill_objects 10000 10000 0'" \
  "$IPCTOOL clean --prefix /bench_" \
  "bash -c 'rm -f /dev/shm/bench_* /dev/shm/sem.bench_*'" >&2
posix=$(ratio "$(mean_of "$out" 0)" "$(mean_of "$out" 1)")
hyperfine --style basic -N --runs 5 --export-json "$out" \
  --prepare "bash -c 'fill_objects 0 0 1000; sleep 6'" \
  "$IPCTOOL clean --kind sysv" \
  "bash -c 'ipcrm --all=msg; ipcrm --all=shm; ipcrm --all=sem'" >&2
sysv=$(ratio "$(mean_of "$out" 0)" "$(mean_of "$out" 1)")
rm -f "$out"
echo "20,000 POSIX objects: ipctool clean --prefix / rm -f: ${posix}x"
echo "3,000 System V objects: ipctool clean --kind sysv / ipcrm --all (x3): ${sysv}x"
