#!/usr/bin/env bash
# Times `ipctool pi --ipc pipe` (release, static; the default run, its value check included)
# against the fastest C build of the same computation (cc -O3 -march=native: one division a
# term, the same slicing, 10 forked workers, one pipe, no check at all), side by side at 1e7
# and 3e8 terms, run in alternation (A B A B ...) so that a noisy machine's slow spells fall on
# both, and prints the ratio of the medians (start-up included). Then the throughput table of every
# mechanism at 100,000 slices. Runs in a private IPC namespace.
# Needs root, cc, python3. Usage: Benchmarks/pi.sh
set -euo pipefail
source "$(dirname "$0")/common.sh"
enter_private_namespace "$@"
build_release

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
reference=$scratch/pi_reference
cc -O3 -march=native -o "$reference" "$(dirname "$0")/pi_reference.c" -lm
echo "C reference prints $("$reference" 10000000), ipctool prints $("$IPCTOOL" pi --ipc pipe | awk 'NR==2 {print $4}')"

for terms in 10000000 300000000; do
  runs=$([ "$terms" -gt 100000000 ] && echo 15 || echo 80)
  read -r ours theirs ratio < <(python3 "$(dirname "$0")/alternate.py" "$runs" \
    "$IPCTOOL pi --ipc pipe --terms $terms" "$reference $terms")
  echo "terms $terms: ipctool / C = ${ratio}x (medians of $runs alternating runs: ipctool $ours s, C $theirs s)"
done

echo
echo "Throughput, 100,000 slices of 1,000,000 terms (messages or lock hand-offs per second):"
"$IPCTOOL" pi --slices 100000 --terms 1000000
