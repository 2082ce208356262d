import Foundation
import TestSupport

/// The other side of `send`, `receive`, `dump`, `post` and `wait`: a Python program that calls the C library through
/// ctypes (no ipctool code, no PyPI package), run inside a sandbox. Bytes travel as hex.
enum QueuePeer {
  static let available = installed("python3")

  static let script = #"""
    import ctypes, ctypes.util, os, struct, sys
    libc = ctypes.CDLL(None, use_errno=True)
    try:
        libc.mq_open
        rt = libc
    except AttributeError:
        rt = ctypes.CDLL(ctypes.util.find_library('rt'), use_errno=True)
    rt.mq_open.restype = ctypes.c_int
    rt.mq_receive.restype = ctypes.c_ssize_t
    libc.msgrcv.restype = ctypes.c_ssize_t
    libc.shmat.restype = ctypes.c_void_p
    def check(result):
        if result == -1:
            e = ctypes.get_errno(); sys.exit('failed: ' + os.strerror(e))
        return result
    command, args = sys.argv[1], sys.argv[2:]
    if command == 'mq-send':  # NAME PRIORITY HEX...
        q = check(rt.mq_open(args[0].encode(), os.O_WRONLY))
        for i in range(1, len(args), 2):
            data = bytes.fromhex(args[i + 1])
            check(rt.mq_send(q, data, len(data), int(args[i])))
    elif command == 'mq-recv':  # NAME: every message, "PRIORITY HEX" a line
        q = check(rt.mq_open(args[0].encode(), os.O_RDONLY | os.O_NONBLOCK))
        attr = (ctypes.c_long * 8)()
        check(rt.mq_getattr(q, attr))
        buf = ctypes.create_string_buffer(attr[2])
        prio = ctypes.c_uint()
        while True:
            n = rt.mq_receive(q, buf, attr[2], ctypes.byref(prio))
            if n < 0: break
            print(prio.value, buf.raw[:n].hex() or '-')
    elif command == 'msg-send':  # ID TYPE HEX...
        for i in range(1, len(args), 2):
            data = bytes.fromhex(args[i + 1])
            check(libc.msgsnd(int(args[0]), struct.pack('l', int(args[i])) + data, len(data), 0))
    elif command == 'msg-recv':  # ID: every message, "TYPE HEX" a line
        buf = ctypes.create_string_buffer(8 + 65536)
        while True:
            n = libc.msgrcv(int(args[0]), buf, 65536, 0, 0o4000)
            if n < 0: break
            print(struct.unpack('l', buf.raw[:8])[0], buf.raw[8:8 + n].hex() or '-')
    elif command == 'sysv-shm-write':  # ID HEX: written at offset 0
        data = bytes.fromhex(args[1])
        at = libc.shmat(int(args[0]), None, 0)
        if at in (None, ctypes.c_void_p(-1).value): sys.exit('shmat failed')
        ctypes.memmove(at, data, len(data))
    elif command in ('sem-wait', 'sem-post'):  # NAME: waits (prints "woke") or posts
        libc.sem_open.restype = ctypes.c_void_p
        sem = libc.sem_open(args[0].encode(), 0)
        if not sem: sys.exit('sem_open failed')
        if command == 'sem-wait':
            check(libc.sem_wait(ctypes.c_void_p(sem))); print('woke', flush=True)
        else:
            check(libc.sem_post(ctypes.c_void_p(sem)))
    elif command == 'semop':  # ID INDEX OP: one operation, waiting as it must; prints "woke"
        op = struct.pack('HhH', int(args[1]), int(args[2]), 0)
        check(libc.semop(int(args[0]), op, 1)); print('woke', flush=True)
    elif command == 'sem-value':  # ID INDEX: GETVAL
        print(check(libc.semctl(int(args[0]), int(args[1]), 12)))
    elif command == 'posix-shm-write':  # NAME HEX: written at offset 0 of its /dev/shm file
        with open('/dev/shm' + args[0], 'r+b') as f:
            f.write(bytes.fromhex(args[1]))
    """#

  /// Runs the peer inside `box`; its stdout's lines ("PRIORITY HEX", "-" for no bytes).
  static func run(_ box: Sandbox, _ arguments: [String]) throws -> [String] {
    let run = try box.runInside(["python3", "-c", script] + arguments)
    guard run.status == 0 else { throw SandboxError(message: "the peer failed: \(run)") }
    return run.lines
  }

  static func hex(_ bytes: [UInt8]) -> String {
    bytes.isEmpty ? "-" : bytes.map { String(format: "%02x", $0) }.joined()
  }
}
