#!/usr/bin/env bash
# ipctool trace's throughput: a C loop creating and unlinking COUNT POSIX segments at full
# speed (shm_loop.c), 2 x COUNT calls, timed without trace and under `ipctool trace --json
# --pid LOOP --kind posix-shm`. The loop waits until the trace of its pid has started; once it
# has ended, trace is interrupted (SIGINT), shows what its buffers still hold, and says how many
# calls it lost. Every call is shown or counted lost: the calls shown plus the lost count must
# make 2 x COUNT exactly (the kernel records only that pid's shm calls, so the count is exact).
# Prints the loop's seconds both ways, the calls shown, the lost count, and the check. Runs in a
# private namespace (tracefs is mounted there by trace itself). Needs root, cc, util-linux.
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
mkfifo "$work/go"
"$work/shm_loop" "$count" "$rate" wait <"$work/go" >"$work/seconds" &
loop=$!
exec 3>"$work/go"
"$IPCTOOL" trace --json --pid "$loop" --kind posix-shm >"$work/events" 2>"$work/errors" &
tracer=$!
# Ready when both instances trace, the side one read first (a new instance starts on; trace turns
# the main one off before it makes the side one, and on again last).
instance="/proc/$tracer/root/sys/kernel/tracing/instances/ipctool-$tracer"
until [ "$(cat "$instance-side/tracing_on" 2>/dev/null)" = 1 ] && [ "$(cat "$instance/tracing_on" 2>/dev/null)" = 1 ]; do
  kill -0 "$tracer" || { cat "$work/errors" >&2; exit 1; }
  sleep 0.05
done
echo go >&3
exec 3>&-
wait "$loop"
traced=$(cat "$work/seconds")
kill -INT "$tracer"
wait "$tracer" || true
# Calls shown (fanotify's entries, shown for calls that were lost, are no calls).
seen=$(grep "\"pid\": $loop," "$work/events" | grep -vc '"source": "fanotify"' || true)
lost=$(sed -n 's/^ipctool: trace: \(at most \)\{0,1\}\([0-9]*\) calls\{0,1\} lost.*/\2/p' "$work/errors")
lost=${lost:-0}
grep -q 'at most' "$work/errors" && exactness="a bound" || exactness="exact"
echo "loop of $count creates + unlinks: ${plain}s without trace, ${traced}s under trace"
echo "calls shown: $seen of $((2 * count)); calls lost: $lost ($exactness)"
echo "shown + lost = $((seen + lost)) ($((2 * count)) expected)"
[ $((seen + lost)) -eq $((2 * count)) ] && [ "$exactness" = exact ] \
  && echo "check: ok" || { echo "check: FAILED"; cat "$work/errors"; exit 1; }
