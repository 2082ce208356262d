#!/usr/bin/env bash
# Times one refresh of `ipctool watch` against one `ipctool list` over 23,000 objects (10,000
# POSIX segments, 10,000 POSIX semaphores, 1,000 of each System V kind), side by side in one
# hyperfine run, in a private namespace, and prints the ratios (#26: one refresh costs no more
# than one list). Off a terminal watch prints the whole table each refresh, as list does.
#   watch --count 1: start, one read, the frame (every object keyed for the next), the table.
#   a refresh in steady state: what each refresh after the first adds, (watch --count 6
#   --interval 0.1, less watch --count 1, less its 0.5 s of waiting) / 5: a later refresh
#   compares every object with the sample before, which the first does not, and the start
#   and the first refresh are not averaged into it. (A wait that oversleeps under load
#   counts against watch: under a millisecond on an empty namespace.) Nothing changes between
#   refreshes here, as on most hosts most objects do not: a refresh takes again the cells of
#   unchanged objects, and makes those of changed ones as the first refresh does.
# The CPU time (user + system) of each is compared too: on a loaded machine the wall time
# swings with the other processes, what a refresh asks of the machine much less.
# Needs root, hyperfine, python3. Usage: Benchmarks/watch.sh [ROUNDS of the alternating run, 20]
set -euo pipefail
source "$(dirname "$0")/common.sh"
enter_private_namespace "$@"
RUNS=${1:-20}
build_release

fill_objects 10000 10000 1000
echo "objects: $(ls /dev/shm | wc -l) in /dev/shm, $(tail -n +2 -q /proc/sysvipc/{msg,shm,sem} | wc -l) System V"

out=$(mktemp)
hyperfine --style basic --warmup 2 --min-runs 10 --export-json "$out" \
  "$IPCTOOL list" \
  "$IPCTOOL watch --count 1" \
  "$IPCTOOL watch --count 6 --interval 0.1" >&2

echo
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "hyperfine, means:"
python3 - "$out" <<'PY'
import json, sys
results = json.load(open(sys.argv[1]))["results"]
for label, key in (("wall", "mean"), ("CPU", None)):
    list_, one, six = (r[key] if key else r["user"] + r["system"] for r in results)
    # CPU: only the wall time waits; the 0.5 s of waiting costs none.
    steady = (six - one - (0.5 if key else 0)) / 5
    print(f"  {label}: ipctool list {list_ * 1000:.1f} ms;"
          f" watch --count 1 / list {one / list_:.2f}x;"
          f" one refresh in steady state / list {steady / list_:.2f}x ({steady * 1000:.1f} ms)")
PY
rm -f "$out"

# hyperfine runs all of one command, then all of the next: on a shared machine a slow spell
# falls on one of them. The same three again in alternation (list, watch 1, watch 6, list...),
# each run's wall and CPU time (the child's rusage), and the medians.
echo "alternating, $RUNS rounds, medians:"
python3 - "$RUNS" "$IPCTOOL" <<'PY'
import os, statistics, subprocess, sys, time
rounds, tool = int(sys.argv[1]), sys.argv[2]
commands = [[tool, "list"], [tool, "watch", "--count", "1"],
            [tool, "watch", "--count", "6", "--interval", "0.1"]]
wall, cpu = ([[] for _ in commands] for _ in range(2))
for round in range(rounds + 1):
    for index, command in enumerate(commands):
        start = time.perf_counter()
        child = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        _, status, usage = os.wait4(child.pid, 0)
        assert status == 0, command
        if round > 0:  # the first round warms up
            wall[index].append(time.perf_counter() - start)
            cpu[index].append(usage.ru_utime + usage.ru_stime)
for label, times, waiting in (("wall", wall, 0.5), ("CPU", cpu, 0)):
    list_, one, six = (statistics.median(t) for t in times)
    steady = (six - one - waiting) / 5
    print(f"  {label}: ipctool list {list_ * 1000:.1f} ms;"
          f" watch --count 1 / list {one / list_:.2f}x;"
          f" one refresh in steady state / list {steady / list_:.2f}x ({steady * 1000:.1f} ms)")
PY
