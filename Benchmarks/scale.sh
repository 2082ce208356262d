#!/usr/bin/env bash
# A busy host: how ipctool's time and memory grow with the objects, the processes and the
# mappings, each side by side with what an administrator would use instead, in one run, in a
# private IPC + mount namespace with its own /dev/shm. Prints one table row per size: mean
# times (hyperfine), the ratio (below 1 means ipctool is faster) and peak RSS of each.
#
#   objects      ipctool list          vs ls -l /dev/shm        (POSIX segments + semaphores)
#   objects      ipctool clean --prefix vs rm -f (through xargs) (refilled before every run)
#   completion   ipctool __complete refs /PREFIX vs compgen -f; a whole bash TAB round trip
#   processes    ipctool list --users  vs lsof /dev/shm          (P processes x M mappings)
#   deleted      ipctool list --users  vs lsof /dev/shm          (unlinked, still mapped)
#   sysv         ipctool clean --kind sysv vs ipcrm --all x3; ipctool list --kind sysv vs ipcs -a
#
# Needs root, hyperfine, python3, cc, lsof, util-linux. Takes about ten minutes.
# Usage: Benchmarks/scale.sh [section...]   (default: every section)
set -euo pipefail
source "$(dirname "$0")/common.sh"
enter_private_namespace "$@"
build_release
export IPCTOOL
export -f fill_objects
sections=("${@:-objects completion processes deleted sysv}")
sections=(${sections[*]})
work=$(mktemp -d)
trap 'rm -rf "$work"; pkill -P $$ || true' EXIT

# rss COMMAND...: peak resident set of one run, in MiB.
rss() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1 | awk '{printf "%.1f", $1 / 1024}'; }

# compare LABEL PREPARE A B: times A and B (PREPARE run before each), prints a table row.
compare() {
  local label=$1 prepare=$2 a=$3 b=$4 runs=${RUNS:-5}
  hyperfine --style none -N --runs "$runs" --export-json "$work/out.json" --prepare "$prepare" "$a" "$b" >/dev/null 2>&1
  local ta tb
  ta=$(mean_of "$work/out.json" 0)
  tb=$(mean_of "$work/out.json" 1)
  bash -c "$prepare" >/dev/null 2>&1
  local ra rb
  ra=$(rss bash -c "exec $a")
  bash -c "$prepare" >/dev/null 2>&1
  rb=$(rss bash -c "exec $b")
  printf '| %-34s | %9.1f ms | %9.1f ms | %5sx | %6s MiB | %6s MiB |\n' "$label" \
    "$(python3 -c "print($ta * 1000)")" "$(python3 -c "print($tb * 1000)")" "$(ratio "$ta" "$tb")" "$ra" "$rb"
}

header() {
  echo
  echo "$1"
  echo "| size                               |   ipctool    |  baseline    | ratio | ipctool RSS | baseline RSS |"
  echo "|------------------------------------|--------------|--------------|-------|-------------|--------------|"
}

empty_shm() { find /dev/shm -mindepth 1 -delete; }
export -f empty_shm

# Helper processes that map segments: a small C program, so 1,000 of them fit in memory.
cat >"$work/mapper.c" <<'C'
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>
/* mapper PREFIX FIRST COUNT PROCESSES UNLINK: maps /dev/shm/PREFIX<i> for i in
   FIRST..FIRST+COUNT-1 (made if missing), unlinks them if UNLINK is 1, then forks
   PROCESSES-1 copies (which keep the mappings) and waits to be killed. */
int main(int argc, char **argv) {
  int first = atoi(argv[2]), count = atoi(argv[3]), processes = atoi(argv[4]), doUnlink = atoi(argv[5]);
  char path[256];
  for (int i = first; i < first + count; i++) {
    snprintf(path, sizeof path, "/dev/shm/%s%d", argv[1], i);
    int fd = open(path, O_RDWR | O_CREAT, 0600);
    if (fd < 0 || ftruncate(fd, 4096) != 0) { perror(path); return 1; }
    if (mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED) { perror("mmap"); return 1; }
    close(fd);
    if (doUnlink) unlink(path);
  }
  for (int i = 1; i < processes; i++) if (fork() == 0) break;
  puts("ready");
  fflush(stdout);
  pause();
  return 0;
}
C
cc -O2 -o "$work/mapper" "$work/mapper.c"

# mappers PREFIX COUNT PROCESSES UNLINK: starts them, returns once all are ready.
mappers() {
  "$work/mapper" "$1" 0 "$2" "$3" "$4" >"$work/ready" &
  until [ "$(wc -l <"$work/ready")" -ge "$3" ]; do sleep 0.1; done
}
stop_mappers() { pkill -f "$work/mapper" || true; sleep 0.5; empty_shm; }

for section in "${sections[@]}"; do
  case $section in
  objects)
    header "POSIX objects (half segments, half semaphores): list, then clean"
    for n in 1000 10000 100000; do
      empty_shm
      fill_objects $((n / 2)) $((n / 2)) 0
      compare "list, $n objects" "true" "$IPCTOOL list" "ls -l /dev/shm"
    done
    for n in 1000 10000 100000; do
      empty_shm
      compare "clean, $n objects" "bash -c 'empty_shm; fill_objects $((n / 2)) $((n / 2)) 0'" \
        "$IPCTOOL clean --prefix /bench_" \
        "bash -c 'printf \"%s\\0\" /dev/shm/bench_* /dev/shm/sem.bench_* | xargs -0 rm -f'"
    done
    empty_shm
    ;;
  completion)
    header "completion: the callback for a typed prefix, and a bash TAB round trip"
    bindir=$(dirname "$IPCTOOL")
    script="$(cd "$(dirname "$0")/.." && pwd)/completions/ipctool.bash"
    tab() {
      echo "bash --norc -c 'PATH=$bindir:\$PATH; source $script; COMP_WORDS=(ipctool inspect $1); COMP_CWORD=2; COMP_LINE=\"ipctool inspect $1\"; COMP_POINT=\${#COMP_LINE}; _ipctool; echo \${#COMPREPLY[@]}'"
    }
    for n in 1000 10000 100000; do
      empty_shm
      fill_objects $((n / 2)) $((n / 2)) 0
      compare "callback /bench_shm_12, $n objects" "true" "$IPCTOOL __complete refs /bench_shm_12" \
        "bash --norc -c 'compgen -f /dev/shm/bench_shm_12'"
      compare "bash TAB '/bench_shm_12', $n objects" "true" "$(tab /bench_shm_12)" \
        "bash --norc -c 'compgen -f /dev/shm/bench_shm_12'"
      compare "bash TAB '' (no word), $n objects" "true" "$(tab '""')" "bash --norc -c 'compgen -f /dev/shm/'"
    done
    empty_shm
    ;;
  processes)
    header "the users scan: P processes each mapping M segments"
    for p in 10 100 1000; do
      for m in 10 100; do
        mappers "map_" "$m" "$p" 0
        compare "$p processes x $m mappings" "true" "$IPCTOOL list --users" "lsof -n -w /dev/shm"
        stop_mappers
      done
    done
    ;;
  deleted)
    header "unlinked segments still mapped (one process per 25,000)"
    for n in 1000 10000 100000; do
      for ((first = 0; first < n; first += 25000)); do
        count=$((n - first < 25000 ? n - first : 25000))
        "$work/mapper" "gone_" "$first" "$count" 1 1 >>"$work/ready" &
      done
      until [ "$(wc -l <"$work/ready")" -ge $(((n + 24999) / 25000)) ]; do sleep 0.2; done
      compare "$n deleted mappings" "true" "$IPCTOOL list --users" "lsof -n -w /dev/shm"
      stop_mappers
      : >"$work/ready"
    done
    ;;
  sysv)
    header "System V objects of each kind: clean (objects 6 s old, past the quiet time), then list"
    sysctl -qw kernel.msgmni=32768 kernel.shmmni=32768 kernel.sem="32000 1024000000 500 32768"
    for n in 1000 8000 32768; do
      RUNS=${RUNS:-4} compare "clean, 3 x $n objects" "bash -c 'fill_objects 0 0 $n; sleep 6'" \
        "$IPCTOOL clean --kind sysv" "bash -c 'ipcrm --all=msg; ipcrm --all=shm; ipcrm --all=sem'"
    done
    for n in 1000 8000 32768; do
      fill_objects 0 0 "$n"
      compare "list, 3 x $n objects" "true" "$IPCTOOL list --kind sysv" "ipcs -a"
      ipcrm --all
    done
    ;;
  *) echo "unknown section: $section" >&2; exit 2 ;;
  esac
done
