# Shared by the benchmark scripts: a private IPC + mount namespace, a release build, and a
# filler that makes many objects quickly.

# Re-runs the calling script inside its own IPC + mount namespace with a private /dev/shm,
# so nothing it makes can touch the machine's objects or outlive it.
enter_private_namespace() {
  if [ -z "${IPCTOOL_BENCH_INSIDE:-}" ]; then
    [ "$(id -u)" = 0 ] || { echo "run as root: the benchmark needs a private IPC namespace" >&2; exit 1; }
    IPCTOOL_BENCH_INSIDE=1 exec unshare --ipc --mount --propagation private "$0" "$@"
  fi
  mount -t tmpfs -o size=2g ipctool-bench /dev/shm
}

# The release binary as `make install` builds it: the Swift runtime inside, glibc the host's.
build_release() {
  local flags=(-c release -Xswiftc -static-stdlib --scratch-path .build-install)
  (cd "$(dirname "$0")/.." && swift build "${flags[@]}" --product ipctool >&2)
  IPCTOOL="$(cd "$(dirname "$0")/.." && swift build "${flags[@]}" --show-bin-path)/ipctool"
}

# fill_objects SHM SEM SYSV: SHM segments of 4 KiB and SEM semaphores in /dev/shm (names
# bench_shm_N, sem.bench_sem_N), and SYSV objects of each System V kind, made with plain calls.
fill_objects() {
  local shm=$1 sem=$2 sysv=$3
  "$IPCTOOL" create posix-sem /bench_template --value 1 >/dev/null
  python3 - "$shm" "$sem" "$sysv" <<'PY'
import ctypes, os, sys
shm, sem, sysv = (int(a) for a in sys.argv[1:4])
template = open("/dev/shm/sem.bench_template", "rb").read()
page = b"\0" * 4096
for i in range(shm):
    with open(f"/dev/shm/bench_shm_{i}", "wb") as f: f.write(page)
for i in range(sem):
    with open(f"/dev/shm/sem.bench_sem_{i}", "wb") as f: f.write(template)
libc = ctypes.CDLL(None, use_errno=True)
IPC_CREAT = 0o1000
for i in range(sysv):
    assert libc.msgget(0, IPC_CREAT | 0o600) >= 0
    assert libc.shmget(0, ctypes.c_size_t(4096), IPC_CREAT | 0o600) >= 0
    assert libc.semget(0, 2, IPC_CREAT | 0o600) >= 0
PY
  rm /dev/shm/sem.bench_template
}

# ratio A B: A / B with two decimals.
ratio() { python3 -c "import sys; print(f'{float(sys.argv[1]) / float(sys.argv[2]):.2f}')" "$1" "$2"; }

# mean_of FILE INDEX: the mean time of command INDEX in a hyperfine JSON export.
mean_of() { python3 -c "import json, sys; print(json.load(open(sys.argv[1]))['results'][int(sys.argv[2])]['mean'])" "$1" "$2"; }
