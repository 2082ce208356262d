#!/usr/bin/env bash
# Times `ipctool pi --ipc pipe` (release, static) against a C program doing the same work
# (cc -O2), side by side at 1e7 and 1e9 terms, and prints the ratios (start-up included). The C
# program checks nothing, so the like-for-like row is --no-reference; the default, which also
# computes the single-process reference below 1e8 terms, is shown too. Then the throughput table
# of every mechanism at 100,000 slices. Runs in a private IPC namespace.
# Needs root, hyperfine, cc, python3. Usage: Benchmarks/pi.sh
set -euo pipefail
source "$(dirname "$0")/common.sh"
enter_private_namespace "$@"
build_release

reference=$(mktemp -d)/pi_reference
cc -O2 -o "$reference" "$(dirname "$0")/pi_reference.c" -lm
echo "C reference prints $("$reference" 10000000), ipctool prints $("$IPCTOOL" pi --ipc pipe | awk 'NR==2 {print $4}')"

out=$(mktemp)
for terms in 10000000 1000000000; do
  runs=$([ "$terms" -gt 100000000 ] && echo 5 || echo 30)
  hyperfine --style basic -N --warmup 2 --runs "$runs" --export-json "$out" \
    "$IPCTOOL pi --ipc pipe --no-reference --terms $terms" "$reference $terms" \
    "$IPCTOOL pi --ipc pipe --terms $terms" >&2
  echo "terms $terms: ipctool --no-reference / C = $(ratio "$(mean_of "$out" 0)" "$(mean_of "$out" 1)")x," \
    "default (with reference) / C = $(ratio "$(mean_of "$out" 2)" "$(mean_of "$out" 1)")x"
done
rm -f "$out" "$reference"

echo
echo "Throughput, 100,000 slices of 1,000,000 terms (messages or lock hand-offs per second):"
"$IPCTOOL" pi --slices 100000 --terms 1000000
