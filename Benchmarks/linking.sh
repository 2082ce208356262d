#!/usr/bin/env bash
# What linking the C library dynamically costs: the binary `make` builds (-static-stdlib: the
# Swift runtime inside, glibc the host's, so NSS modules load) against the fully static one
# (-static-executable, which crashed in NSS), side by side with hyperfine: start-up
# (`--version`, `list` of an empty namespace) and pi's default run. Prints the ratios
# dynamic / static. Runs in a private IPC namespace. Needs root, hyperfine, python3.
# Usage: Benchmarks/linking.sh
set -euo pipefail
source "$(dirname "$0")/common.sh"
enter_private_namespace "$@"

top="$(cd "$(dirname "$0")/.." && pwd)"
build() { # build SCRATCH FLAG: prints the binary's path
  (cd "$top" && swift build -c release -Xswiftc "$2" --scratch-path "$1" --product ipctool >&2)
  echo "$top/$1/release/ipctool"
}
dynamic=$(build .build-install -static-stdlib)
static=$(build .build-static -static-executable)

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
compare() { # compare LABEL RUNS ARGUMENTS...
  local label=$1 runs=$2; shift 2
  hyperfine -N --warmup 5 --runs "$runs" --export-json "$scratch/out.json" \
    "$dynamic $*" "$static $*" >/dev/null 2>&1
  local ours theirs
  ours=$(mean_of "$scratch/out.json" 0) theirs=$(mean_of "$scratch/out.json" 1)
  printf '%-28s dynamic glibc %8.2f ms, static %8.2f ms: %sx\n' "$label" \
    "$(python3 -c "print($ours * 1000)")" "$(python3 -c "print($theirs * 1000)")" \
    "$(ratio "$ours" "$theirs")"
}
compare "start-up (--version)" 300 --version
compare "list (empty)" 300 list
compare "pi (default run)" 40 pi
compare "pi --ipc pipe --terms 1e8" 10 pi --ipc pipe --terms 100000000
