#!/usr/bin/env bash
# Times `ipctool metrics` against `ipctool list --json` over the same 23,000 objects (10,000
# POSIX segments, 10,000 POSIX semaphores, 1,000 of each System V kind), in one run, in a
# private namespace, and prints the ratio (#26 asks for 1.5x or less). metrics reads users
# (a /proc scan) and the kernel limits, which list --json does not: the comparison with
# `list --json --users` is printed too.
# Needs root, hyperfine, python3. Usage: Benchmarks/metrics.sh
set -euo pipefail
source "$(dirname "$0")/common.sh"
enter_private_namespace "$@"
build_release

fill_objects 10000 10000 1000
echo "objects: $(ls /dev/shm | wc -l) in /dev/shm, $(tail -n +2 -q /proc/sysvipc/{msg,shm,sem} | wc -l) System V"

out=$(mktemp)
hyperfine --style basic --warmup 3 --min-runs 20 --export-json "$out" \
  "$IPCTOOL metrics" \
  "$IPCTOOL list --json" \
  "$IPCTOOL list --json --users" >&2

echo
echo "ipctool metrics / list --json: $(ratio "$(mean_of "$out" 0)" "$(mean_of "$out" 1)")x"
echo "ipctool metrics / list --json --users: $(ratio "$(mean_of "$out" 0)" "$(mean_of "$out" 2)")x"
median_of() { python3 -c "import json, sys; print(json.load(open(sys.argv[1]))['results'][int(sys.argv[2])]['median'])" "$1" "$2"; }
echo "ipctool metrics / list --json (medians): $(ratio "$(median_of "$out" 0)" "$(median_of "$out" 1)")x"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) cores"
rm -f "$out"
