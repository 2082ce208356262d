#!/usr/bin/env bash
# The engine issue's proof (#25): this tree's ipctool and an earlier commit's, side by side in
# one run with what an administrator would use instead, in a private IPC + mount namespace.
#
#   list          20,000 POSIX objects:  ipctool list          vs ls -l /dev/shm
#   clean         10,000 + 10,000 POSIX and 3 x 1,000 System V (6 s old, in-use scan included):
#                                        ipctool clean --all   vs rm -f /dev/shm/* && ipcrm -a
#   held          30,000 unlinked-but-mapped segments held by 100 processes (300 each):
#                                        ipctool list --users --json vs lsof -n /dev/shm
#
# Prints mean times (hyperfine), each ipctool's ratio to the baseline (below 1: faster) and
# peak RSS, and whether both give the same `list --json` of the same objects, byte for byte. The earlier commit is built in a temporary worktree (release, as make builds it).
# Needs root, hyperfine, python3, cc, lsof, util-linux, git. Takes about five minutes.
# Usage: Benchmarks/engine.sh [BEFORE-COMMIT]   (default: 7e17ba8, before the engine moved)
#        IPCTOOL_BEFORE=/path/to/ipctool Benchmarks/engine.sh   (an earlier binary already built)
set -euo pipefail
source "$(dirname "$0")/common.sh"
before_commit=${1:-7e17ba8}
repo=$(cd "$(dirname "$0")/.." && pwd)
if [ -z "${IPCTOOL_BENCH_INSIDE:-}" ] && [ -z "${IPCTOOL_BEFORE:-}" ]; then
  # Built before entering the namespace; the worktree is removed at the end.
  tree=$(mktemp -d)
  git -C "$repo" worktree add -q --detach "$tree/src" "$before_commit"
  (cd "$tree/src" && swift build -c release -Xswiftc -static-stdlib --scratch-path "$tree/build" --product ipctool >&2)
  export IPCTOOL_BEFORE="$tree/build/release/ipctool" IPCTOOL_BEFORE_TREE=$tree
fi
enter_private_namespace "$@"
build_release
export IPCTOOL
export -f fill_objects
work=$(mktemp -d)
cleanup() {
  pkill -P $$ || true
  rm -rf "$work"
  if [ -n "${IPCTOOL_BEFORE_TREE:-}" ]; then
    git -C "$repo" worktree remove --force "$IPCTOOL_BEFORE_TREE/src" 2>/dev/null || true
    rm -rf "$IPCTOOL_BEFORE_TREE"
  fi
}
trap cleanup EXIT

rss() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1 | awk '{printf "%.1f", $1 / 1024}'; }
ms() { python3 -c "print(f'{float(\"$1\") * 1000:.1f}')"; }

# compare LABEL PREPARE ARGS BASELINE: ipctool ARGS (now, before) and BASELINE, one run.
compare() {
  local label=$1 prepare=$2 args=$3 baseline=$4
  hyperfine --style none -N --runs "${RUNS:-5}" --export-json "$work/out.json" --prepare "$prepare" \
    "$IPCTOOL $args" "$IPCTOOL_BEFORE $args" "$baseline" >/dev/null 2>&1
  local now old base
  now=$(mean_of "$work/out.json" 0)
  old=$(mean_of "$work/out.json" 1)
  base=$(mean_of "$work/out.json" 2)
  local rnow rold rbase
  bash -c "$prepare" >/dev/null 2>&1; rnow=$(rss bash -c "exec $IPCTOOL $args")
  bash -c "$prepare" >/dev/null 2>&1; rold=$(rss bash -c "exec $IPCTOOL_BEFORE $args")
  bash -c "$prepare" >/dev/null 2>&1; rbase=$(rss bash -c "exec $baseline")
  printf '| %-8s | %8s ms | %8s ms | %8s ms | %5sx | %5sx | %5s / %5s / %5s MiB |\n' "$label" \
    "$(ms "$now")" "$(ms "$old")" "$(ms "$base")" "$(ratio "$now" "$base")" "$(ratio "$old" "$base")" \
    "$rnow" "$rold" "$rbase"
}

empty_shm() { find /dev/shm -mindepth 1 -delete; }
export -f empty_shm

cat >"$work/mapper.c" <<'C'
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
/* mapper PREFIX FIRST COUNT: maps /dev/shm/PREFIX<i> for i in FIRST..FIRST+COUNT-1, unlinks
   each, says "ready" and waits to be killed. */
int main(int argc, char **argv) {
  int first = atoi(argv[2]), count = atoi(argv[3]);
  char path[256];
  for (int i = first; i < first + count; i++) {
    snprintf(path, sizeof path, "/dev/shm/%s%d", argv[1], i);
    int fd = open(path, O_RDWR | O_CREAT, 0600);
    if (fd < 0 || ftruncate(fd, 4096) != 0) { perror(path); return 1; }
    if (mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED) { perror("mmap"); return 1; }
    close(fd);
    unlink(path);
  }
  puts("ready");
  fflush(stdout);
  pause();
  return 0;
}
C
cc -O2 -o "$work/mapper" "$work/mapper.c"

echo "before: $before_commit; now: $(git -C "$repo" rev-parse --short HEAD)"
echo "| layout   |   now       |  before     | baseline    | now/b | bef/b | RSS now / before / baseline |"
echo "|----------|-------------|-------------|-------------|-------|-------|-----------------------------|"
empty_shm
fill_objects 10000 10000 0
# The same objects read by both: the JSON document must not change by a byte.
"$IPCTOOL" list --json >"$work/now.json"
"$IPCTOOL_BEFORE" list --json >"$work/before.json"
if cmp -s "$work/now.json" "$work/before.json"; then
  json_check="list --json: byte-identical before and now ($(wc -c <"$work/now.json") bytes)"
else
  json_check="list --json: DIFFERS before and now: $(cmp "$work/now.json" "$work/before.json" 2>&1 | head -1)"
fi
compare "list" "true" "list" "ls -l /dev/shm"
empty_shm
RUNS=${RUNS:-4} compare "clean" "bash -c 'empty_shm; fill_objects 10000 10000 1000; sleep 6'" \
  "clean --all" "bash -c 'rm -f /dev/shm/* && ipcrm -a'"
empty_shm
ipcrm -a
: >"$work/ready"
for ((p = 0; p < 100; p++)); do "$work/mapper" "held_" $((p * 300)) 300 >>"$work/ready" & done
until [ "$(wc -l <"$work/ready")" -ge 100 ]; do sleep 0.2; done
compare "held" "true" "list --users --json" "lsof -n /dev/shm"
echo "$json_check"
