#!/usr/bin/env bash
# Times `ipctool receive --all` draining a POSIX queue of N messages of 16 bytes (default
# 7,000: the kernel charges about 112 bytes a message to RLIMIT_MSGQUEUE, whose usual hard limit
# of 800 KiB holds no 10,000) to a file, against Python loops doing the same through ctypes
# (mq_receive) and, where installed, PyPI's posix_ipc, in one run, in a private namespace; each
# run refills the queue first.
# Needs root, hyperfine, python3. Usage: Benchmarks/drain.sh [N]
set -euo pipefail
source "$(dirname "$0")/common.sh"
enter_private_namespace "$@"
build_release
# Per IPC namespace: this one only. The soft RLIMIT_MSGQUEUE raised to the hard one.
count=${1:-7000}
echo "$count" > /proc/sys/fs/mqueue/msg_max
ulimit -q "$(ulimit -Hq)"

"$IPCTOOL" create posix-mq /bench_drain --max-messages "$count" --message-size 16 >/dev/null
work=$(mktemp -d)
cat > "$work/ctypes_mq.py" <<'PY'
import ctypes, os, sys
libc = ctypes.CDLL(None, use_errno=True)
libc.mq_receive.restype = ctypes.c_ssize_t
if sys.argv[1] == "fill":
    q = libc.mq_open(b"/bench_drain", os.O_WRONLY)
    message = bytes(range(16))
    for _ in range(int(sys.argv[2])):
        assert libc.mq_send(q, message, 16, 0) == 0
else:  # drain to the file named
    q = libc.mq_open(b"/bench_drain", os.O_RDONLY | os.O_NONBLOCK)
    buffer = ctypes.create_string_buffer(16)
    with open(sys.argv[2], "wb") as out:
        while True:
            n = libc.mq_receive(q, buffer, 16, None)
            if n < 0:
                break
            out.write(buffer.raw[:n])
PY
# And the loop the issue names, through PyPI's posix_ipc, where it is installed.
cat > "$work/posix_ipc_mq.py" <<'PY'
import sys
import posix_ipc
q = posix_ipc.MessageQueue("/bench_drain", read=True, write=False)
q.block = False
with open(sys.argv[1], "wb") as out:
    while True:
        try:
            message, _ = q.receive()
        except posix_ipc.BusyError:
            break
        out.write(message)
PY
loops=(-n "python ctypes loop" "python3 $work/ctypes_mq.py drain $work/python.out")
if python3 -c 'import posix_ipc' 2>/dev/null; then
  loops+=(-n "python posix_ipc loop" "python3 $work/posix_ipc_mq.py $work/posix_ipc.out")
fi
hyperfine --style basic --warmup 2 --min-runs 15 \
  --prepare "python3 $work/ctypes_mq.py fill $count" \
  -n "ipctool receive --all" "$IPCTOOL receive /bench_drain --all > $work/ipctool.out" \
  "${loops[@]}"
cmp "$work/ipctool.out" "$work/python.out" && echo "same bytes: $(stat -c %s "$work/ipctool.out")"
[ ! -f "$work/posix_ipc.out" ] || cmp "$work/ipctool.out" "$work/posix_ipc.out"
rm -rf "$work"
