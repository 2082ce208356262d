#!/usr/bin/env bash
# What `ipctool memory` costs on a busy host, side by side with `ipctool list --users` (issue
# #27's bar: one run within the time of one list --users; both read every process's maps
# once). P processes each map M /dev/shm segments and hold a memfd and a shared anonymous
# region they share with their siblings, in a private IPC + mount namespace with its own
# /dev/shm (the host's other processes are walked too, as on any host). Prints mean times
# (hyperfine), the ratio (below 1 means memory is faster) and peak RSS of each.
#
# Measured 2026-12-03, 2 cores shared and loaded (load average 12), release build: 1000 x 10,
# memory 745 ms, list --users 809 ms (0.92x), memory --by process 540 ms; peak RSS 8.6 vs 9.8 MiB.
#
# Needs root, hyperfine, python3, cc. Usage: Benchmarks/memory.sh [PROCESSES [MAPPINGS]]
# (default 1000 x 10). IPCTOOL=path uses that binary instead of building the release.
set -euo pipefail
source "$(dirname "$0")/common.sh"
enter_private_namespace "$@"
[ -n "${IPCTOOL:-}" ] || build_release
processes=${1:-1000}
mappings=${2:-10}
work=$(mktemp -d)
holder=
trap 'rm -rf "$work"; [ -z "$holder" ] || kill "$holder"' EXIT

cat >"$work/holder.c" <<'C'
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <unistd.h>
/* holder COUNT PROCESSES: maps /dev/shm/mem_<i> for i < COUNT, makes a 64 KiB memfd and a
   64 KiB shared anonymous region (both written), forks PROCESSES-1 copies that keep all of
   them, and waits to be killed (the copies die with it). */
int main(int argc, char **argv) {
  int count = atoi(argv[1]), processes = atoi(argv[2]);
  char path[256];
  for (int i = 0; i < count; i++) {
    snprintf(path, sizeof path, "/dev/shm/mem_%d", i);
    int fd = open(path, O_RDWR | O_CREAT, 0600);
    if (fd < 0 || ftruncate(fd, 4096) != 0) { perror(path); return 1; }
    if (mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0) == MAP_FAILED) { perror("mmap"); return 1; }
    close(fd);
  }
  int memfd = memfd_create("bench", 0);
  if (memfd < 0 || ftruncate(memfd, 65536) != 0) { perror("memfd"); return 1; }
  memset(mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, 0), 1, 65536);
  memset(mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0), 1, 65536);
  pid_t parent = getpid();
  for (int i = 1; i < processes; i++) {
    if (fork() == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);
      if (getppid() != parent) _exit(0);
      break;
    }
  }
  puts("ready");
  fflush(stdout);
  pause();
  return 0;
}
C
cc -O2 -o "$work/holder" "$work/holder.c"
"$work/holder" "$mappings" "$processes" >"$work/ready" &
holder=$!
until [ "$(wc -l <"$work/ready")" -ge "$processes" ]; do sleep 0.1; done

rss() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1 | awk '{printf "%.1f", $1 / 1024}'; }
hyperfine --style none -N --runs "${RUNS:-10}" --warmup 1 --export-json "$work/out.json" \
  "$IPCTOOL memory" "$IPCTOOL list --users" "$IPCTOOL memory --by process" >/dev/null 2>&1
echo "$processes processes x $mappings mappings (+ a memfd and a shared anonymous region each)"
echo "| command                 |   mean    | vs list --users | peak RSS |"
echo "|-------------------------|-----------|-----------------|----------|"
base=$(mean_of "$work/out.json" 1)
for index in 0 1 2; do
  name=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['results'][int(sys.argv[2])]['command'].split('ipctool ')[1])" "$work/out.json" "$index")
  mean=$(mean_of "$work/out.json" "$index")
  # shellcheck disable=SC2086
  printf '| %-23s | %6.1f ms | %14sx | %4s MiB |\n' "$name" "$(python3 -c "print($mean * 1000)")" \
    "$(ratio "$mean" "$base")" "$(rss $IPCTOOL $name)"
done
