#!/usr/bin/env bash
# Times `ipctool pi --ipc pipe` (release, static; the default run, its value check included)
# against the fastest C build of the same computation (cc -O3 -march=native: one division a
# term, the same slicing, 10 forked workers, one pipe, no check at all), side by side at 1e7
# and 3e8 terms, and prints the ratios (start-up included). Then the throughput table of every
# mechanism at 100,000 slices. Runs in a private IPC namespace.
# Needs root, hyperfine, cc, python3. Usage: Benchmarks/pi.sh
set -euo pipefail
source "$(dirname "$0")/common.sh"
enter_private_namespace "$@"
build_release

reference=$(mktemp -d)/pi_reference
cc -O3 -march=native -o "$reference" "$(dirname "$0")/pi_reference.c" -lm
echo "C reference prints $("$reference" 10000000), ipctool prints $("$IPCTOOL" pi --ipc pipe | awk 'NR==2 {print $4}')"

out=$(mktemp)
for terms in 10000000 300000000; do
  runs=$([ "$terms" -gt 100000000 ] && echo 10 || echo 40)
  hyperfine --style basic -N --warmup 3 --runs "$runs" --export-json "$out" \
    "$IPCTOOL pi --ipc pipe --terms $terms" "$reference $terms" >&2
  echo "terms $terms: ipctool / C = $(ratio "$(mean_of "$out" 0)" "$(mean_of "$out" 1)")x" \
    "(ipctool $(mean_of "$out" 0) s, C $(mean_of "$out" 1) s)"
done
rm -f "$out" "$reference"

echo
echo "Throughput, 100,000 slices of 1,000,000 terms (messages or lock hand-offs per second):"
"$IPCTOOL" pi --slices 100000 --terms 1000000
