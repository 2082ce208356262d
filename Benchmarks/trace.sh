#!/usr/bin/env bash
# ipctool trace's throughput: a C loop creating and unlinking COUNT POSIX segments at full
# speed (shm_loop.c), timed without trace and under `ipctool trace --json`. Each call is two
# events in the kernel's buffer (the uprobe on entry and on return), and what trace counts as
# lost is those buffer events: the calls reported x 2 plus the lost count must make 4 x COUNT
# (more if other events, such as other programs' failed opens, were lost too). Prints the loop's
# seconds both ways, the events seen, the lost count, and the check. Runs in a private
# namespace (tracefs is mounted there by trace itself). Needs root, cc, python3, util-linux.
# Usage: Benchmarks/trace.sh [COUNT [RATE]]   (100000 at full speed by default; RATE: calls a
# second, creates and unlinks counted apart, e.g. 10000)
set -euo pipefail
source "$(dirname "$0")/common.sh"
enter_private_namespace "$@"
build_release
count=${1:-100000}
rate=${2:-0}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cc -O2 -o "$work/shm_loop" "$(dirname "$0")/shm_loop.c"

plain=$("$work/shm_loop" "$count" "$rate")
"$IPCTOOL" trace --json --kind posix-shm --prefix /bench_trace_ --only create,remove \
  >"$work/events" 2>"$work/errors" &
tracer=$!
until [ "$(cat "/proc/$tracer/root/sys/kernel/tracing/instances/ipctool-$tracer/tracing_on" 2>/dev/null)" = 1 ]; do
  kill -0 "$tracer" || { cat "$work/errors" >&2; exit 1; }
  sleep 0.05
done
traced=$("$work/shm_loop" "$count" "$rate")
# The marker's removal, once read, means every event before it was read or counted lost.
for _ in $(seq 600); do
  grep -q '"call": "shm_unlink".*"name": "/bench_trace_end"' "$work/events" && break
  sleep 0.1
done
kill -INT "$tracer"
wait "$tracer" || true
seen=$(grep -v bench_trace_end "$work/events" | grep -c '"ok": true' || true)
lost=$(sed -n 's/^ipctool: trace: \([0-9]*\) events lost.*/\1/p' "$work/errors")
lost=${lost:-0}
echo "loop of $count creates + unlinks: ${plain}s without trace, ${traced}s under trace"
echo "calls reported: $seen of $((2 * count)); buffer events lost: $lost"
echo "2 x reported + lost = $((2 * seen + lost)) (at least $((4 * count)) expected)"
[ $((2 * seen + lost)) -ge $((4 * count)) ] && [ "$seen" -le $((2 * count)) ] \
  && echo "check: ok" || { echo "check: FAILED"; exit 1; }
