#!/usr/bin/env bash
# Times one refresh of `ipctool watch` against one `ipctool list` over 23,000 objects (10,000
# POSIX segments, 10,000 POSIX semaphores, 1,000 of each System V kind), side by side in one
# hyperfine run, in a private namespace, and prints the ratios (#26: one refresh costs no more
# than one list). Off a terminal watch prints the whole table each refresh, as list does.
#   watch --count 1: start, one read, the frame (every object keyed for the next), the table.
#   a refresh in steady state: (watch --count 4 --interval 0.1, less its 0.3 s of waiting) / 4.
# Needs root, hyperfine, python3. Usage: Benchmarks/watch.sh
set -euo pipefail
source "$(dirname "$0")/common.sh"
enter_private_namespace "$@"
build_release

fill_objects 10000 10000 1000
echo "objects: $(ls /dev/shm | wc -l) in /dev/shm, $(tail -n +2 -q /proc/sysvipc/{msg,shm,sem} | wc -l) System V"

out=$(mktemp)
hyperfine --style basic --warmup 2 --min-runs 10 --export-json "$out" \
  "$IPCTOOL list" \
  "$IPCTOOL watch --count 1" \
  "$IPCTOOL watch --count 4 --interval 0.1" >&2

list=$(mean_of "$out" 0)
one=$(mean_of "$out" 1)
steady=$(python3 -c "import sys; print((float(sys.argv[1]) - 0.3) / 4)" "$(mean_of "$out" 2)")
echo
echo "ipctool list: $(python3 -c "print(f'{$list * 1000:.1f}')") ms"
echo "watch --count 1 / list: $(ratio "$one" "$list")x"
echo "one refresh in steady state / list: $(ratio "$steady" "$list")x ($(python3 -c "print(f'{$steady * 1000:.1f}')") ms)"
rm -f "$out"
