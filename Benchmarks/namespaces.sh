#!/usr/bin/env bash
# Times `ipctool namespaces` and `ipctool list --all-namespaces` over 50 IPC namespaces of 100
# objects each (40 POSIX segments, 30 POSIX semaphores, 10 of each System V kind, each with a
# /dev/shm of its own), against the loop an administrator writes today, one nsenter per
# namespace listing its System V objects and its /dev/shm. Prints the ratios (below 1 means
# ipctool is faster). Runs in a private namespace; every namespace it makes ends with it.
# Needs root, hyperfine, python3, util-linux. Usage: Benchmarks/namespaces.sh
set -euo pipefail
source "$(dirname "$0")/common.sh"
enter_private_namespace "$@"
build_release
export IPCTOOL

holders=()
trap 'kill "${holders[@]}" 2>/dev/null || true' EXIT
for n in $(seq 50); do
  # A namespace with its own /dev/shm, filled, then held open by a sleeping process.
  unshare --ipc --mount --propagation private --fork --kill-child bash -c '
    source "$1"; mount -t tmpfs -o size=64m bench /dev/shm; fill_objects 40 30 10; exec sleep 600
  ' bash "$(dirname "$0")/common.sh" >/dev/null &
  holders+=($!)
done
pids=()
for holder in "${holders[@]}"; do
  until child=$(cat "/proc/$holder/task/$holder/children" 2>/dev/null) && [ -n "$child" ] \
    && [ "$(readlink "/proc/${child%% *}/exe")" = "$(readlink -f "$(command -v sleep)")" ]; do sleep 0.1; done
  pids+=("${child%% *}")
done
echo "namespaces: ${#pids[@]}, objects in the first: $("$IPCTOOL" list --target "${pids[0]}" --no-headings | wc -l)"

loop=$(mktemp)
printf 'for pid in %s; do nsenter -t "$pid" -i -m sh -c "ipcs -a; ls -l /dev/shm"; done\n' "${pids[*]}" > "$loop"
out=$(mktemp)
hyperfine --style basic --warmup 2 --min-runs 10 --export-json "$out" \
  "$IPCTOOL namespaces" "$IPCTOOL list --all-namespaces" "bash $loop" >&2
echo "ipctool namespaces / the nsenter loop: $(ratio "$(mean_of "$out" 0)" "$(mean_of "$out" 2)")x"
echo "ipctool list --all-namespaces / the nsenter loop: $(ratio "$(mean_of "$out" 1)" "$(mean_of "$out" 2)")x"
rm -f "$out" "$loop"
