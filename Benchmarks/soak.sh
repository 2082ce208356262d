#!/usr/bin/env bash
# The clean soak, for longer than the test suite's 20 s (CleanSoakTests): `clean --all` in a
# loop beside eight `pi --ipc sysv` runs at a time, in a private IPC + mount namespace. What a
# live process uses is never removed, so every pi run must succeed and verify its cleanup: a
# lost object is a failure, whatever its message. Prints the counts; exits 1 if any run
# failed, clean crashed, or anything was left.
#
# Needs root. Usage: Benchmarks/soak.sh [seconds]   (default 300)
set -euo pipefail
source "$(dirname "$0")/common.sh"
enter_private_namespace "$@"
build_release
duration=${1:-300}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

declare -A running=()
runs=0 failed=0 cleans=0 next=0

start_pi() {
  "$IPCTOOL" pi --ipc sysv --terms 2000000 --workers 3 --slices 30 --json >"$work/$next.out" 2>&1 &
  running[$next]=$!
  next=$((next + 1))
}

# finish N: waits for run N and counts it; a failed run's output is printed.
finish() {
  local status=0
  wait "${running[$1]}" || status=$?
  unset "running[$1]"
  runs=$((runs + 1))
  if [ "$status" -ne 0 ] || ! grep -q '"cleanup_verified": true' "$work/$1.out"; then
    failed=$((failed + 1))
    echo "pi run failed (status $status): $(cat "$work/$1.out")" >&2
  fi
  rm -f "$work/$1.out"
}

end=$((SECONDS + duration))
while ((SECONDS < end)); do
  while ((${#running[@]} < 8)); do start_pi; done
  status=0
  "$IPCTOOL" clean --all >/dev/null 2>&1 || status=$?
  ((status <= 1)) || { echo "clean --all ended with status $status" >&2; exit 1; }
  cleans=$((cleans + 1))
  for n in "${!running[@]}"; do
    kill -0 "${running[$n]}" 2>/dev/null || finish "$n"
  done
done
for n in "${!running[@]}"; do finish "$n"; done

left=$(($(ls -A /dev/shm | wc -l) + $(ipcs -q -m -s | grep -c '^0x' || true)))
echo "soak: $runs pi runs, $failed failed, $cleans cleans, $left objects left, ${duration} s"
((failed == 0 && left == 0))
