#!/usr/bin/env bash
# Times the completion callback (`ipctool __complete refs ...`, what TAB runs) with 300 POSIX
# segments, 300 semaphores and 100 objects of each System V kind, against the 50 ms a prompt
# can spare, and one full `_ipctool` bash completion round trip. Private namespace, release.
# Needs root, hyperfine, python3. Usage: Benchmarks/complete.sh
set -euo pipefail
source "$(dirname "$0")/common.sh"
enter_private_namespace "$@"
build_release
fill_objects 300 300 100
bindir=$(dirname "$IPCTOOL")
completions="$(cd "$(dirname "$0")/.." && pwd)/completions/ipctool.bash"
out=$(mktemp)
hyperfine --style basic -N --warmup 3 --export-json "$out" \
  "$IPCTOOL __complete refs /bench_shm_1" \
  "$IPCTOOL __complete refs sysv-shm:" \
  "bash --norc -c 'PATH=$bindir:\$PATH; source $completions; COMP_LINE=\"ipctool inspect /bench_sem_2\"; COMP_POINT=\${#COMP_LINE}; COMP_WORDS=(ipctool inspect /bench_sem_2); COMP_CWORD=2; _ipctool'" >&2
for index in 0 1 2; do
  echo "$(python3 -c "import json,sys; r=json.load(open(sys.argv[1]))['results'][int(sys.argv[2])]; print(f\"{r['mean']*1000:.1f} ms  {r['command'][:70]}\")" "$out" "$index")"
done
rm -f "$out"
