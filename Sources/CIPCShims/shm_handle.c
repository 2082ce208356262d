// The calls behind a verified /dev/shm handle (Sources/IPCKit/POSIX/ShmHandle.swift): openat2,
// statx's mount id, and the helper that acts with another user namespace's root's powers.
#define _GNU_SOURCE
#include "CIPCShims.h"

#include <errno.h>
#include <signal.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

struct ipcshim_open_how {
  unsigned long long flags;
  unsigned long long mode;
  unsigned long long resolve;
};

int ipcshim_openat2(int dirfd, const char *path, int flags, unsigned long long resolve) {
  struct ipcshim_open_how how = {.flags = (unsigned long long)(flags | O_CLOEXEC),
                                 .resolve = resolve};
  return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof how);
}

int ipcshim_open_in_folder(int dirfd, const char *name, int flags) {
  // RESOLVE_NO_XDEV is checked while the lookup steps onto a mount, before that file system
  // is asked anything; a plain fstatat or openat would ask a FUSE server and wait on it.
  return ipcshim_openat2(dirfd, name, flags | O_NOFOLLOW,
                         IPCSHIM_RESOLVE_BENEATH | IPCSHIM_RESOLVE_NO_XDEV |
                             IPCSHIM_RESOLVE_NO_SYMLINKS | IPCSHIM_RESOLVE_NO_MAGICLINKS);
}

// struct stat from statx's answer, and the mount it gave (0 if it gave none).
static void from_statx(const struct statx *x, struct stat *status, unsigned long long *mount_id) {
  memset(status, 0, sizeof *status);
  status->st_dev = makedev(x->stx_dev_major, x->stx_dev_minor);
  status->st_rdev = makedev(x->stx_rdev_major, x->stx_rdev_minor);
  status->st_ino = x->stx_ino;
  status->st_mode = x->stx_mode;
  status->st_nlink = x->stx_nlink;
  status->st_uid = x->stx_uid;
  status->st_gid = x->stx_gid;
  status->st_size = (off_t)x->stx_size;
  status->st_blksize = (blksize_t)x->stx_blksize;
  status->st_blocks = (blkcnt_t)x->stx_blocks;
  status->st_atim.tv_sec = x->stx_atime.tv_sec;
  status->st_atim.tv_nsec = x->stx_atime.tv_nsec;
  status->st_mtim.tv_sec = x->stx_mtime.tv_sec;
  status->st_mtim.tv_nsec = x->stx_mtime.tv_nsec;
  status->st_ctim.tv_sec = x->stx_ctime.tv_sec;
  status->st_ctim.tv_nsec = x->stx_ctime.tv_nsec;
  *mount_id = (x->stx_mask & STATX_MNT_ID) ? x->stx_mnt_id : 0;
}

int ipcshim_fstatat_mount(int dirfd, const char *path, int flags, struct stat *status,
                          unsigned long long *mount_id) {
  struct statx x;
  int found = -1;
  if (path[0] != 0) {
    found = ipcshim_open_in_folder(dirfd, path, O_PATH);
    if (found < 0) return -1;
    dirfd = found;
    path = "";
    flags = (flags & ~AT_SYMLINK_NOFOLLOW) | AT_EMPTY_PATH;
  }
  int result = statx(dirfd, path, flags, STATX_BASIC_STATS | STATX_MNT_ID, &x);
  if (found >= 0) {
    int code = errno;
    close(found);
    errno = code;
  }
  if (result != 0) return -1;
  from_statx(&x, status, mount_id);
  return 0;
}

int ipcshim_entry_status(int dirfd, const char *name, struct stat *status,
                         unsigned long long *mount_id) {
  // One component, never a path: nothing to traverse, no ".." to climb.
  if (name[0] == 0 || strchr(name, '/') != NULL || strcmp(name, ".") == 0 ||
      strcmp(name, "..") == 0) {
    errno = EINVAL;
    return -1;
  }
  struct statx x;
  // A link is stat'ed itself, an automount point is not triggered, and DONT_SYNC answers from
  // the inode as the kernel holds it: a file system mounted on the name (FUSE, whose getattr
  // would otherwise ask its server) is asked nothing.
  if (statx(dirfd, name, AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_STATX_DONT_SYNC,
            STATX_BASIC_STATS | STATX_MNT_ID, &x) != 0) {
    return -1;
  }
  from_statx(&x, status, mount_id);
  return 0;
}

int ipcshim_identity_at(int dirfd, const char *path, unsigned long long *device,
                        unsigned long long *inode) {
  struct statx x;
  if (statx(dirfd, path, AT_STATX_DONT_SYNC, STATX_INO, &x) != 0) return -1;
  *device = makedev(x.stx_dev_major, x.stx_dev_minor);
  *inode = x.stx_ino;
  return 0;
}

int ipcshim_open_tmpfile_at(int dirfd, mode_t mode) {
  return openat(dirfd, ".", O_TMPFILE | O_RDWR | O_CLOEXEC, mode);
}

// In the child: raw system calls only (it is a fork of a threaded process), then _exit.
static int become_namespace_root(int userns_fd) {
  // Groups first, while still allowed to (a namespace may deny setgroups); then the namespace,
  // then its root's ids, so the kernel judges with that root's credentials, not ours.
  if (syscall(SYS_setgroups, 0, NULL) != 0) return errno;
  if (syscall(SYS_setns, userns_fd, CLONE_NEWUSER) != 0) return errno;
  if (syscall(SYS_setresgid, 0, 0, 0) != 0) return errno;
  if (syscall(SYS_setresuid, 0, 0, 0) != 0) return errno;
  return 0;
}

// One request to the helper: a fixed header, then the name, then the content, in one packet.
struct ipcshim_request {
  int operation;  // 0 unlink, 1 create
  int dirfd;
  unsigned mode;
  unsigned name_length;
  unsigned content_length;
  int has_content;
  unsigned long long size;
};

enum { IPCSHIM_PACKET = 4096 };

static int create_in(const struct ipcshim_request *request, const char *name, const char *content,
                     int *step) {
  *step = 2;
  int fd = (int)syscall(SYS_openat, request->dirfd, ".", O_TMPFILE | O_RDWR | O_CLOEXEC,
                        request->mode);
  if (fd < 0) return errno;
  int code = 0;
  *step = 3;
  if (syscall(SYS_fchmod, fd, request->mode) != 0) {
    code = errno;
    goto done;
  }
  *step = 4;
  if (request->has_content) {
    size_t finished = 0;
    while (finished < request->content_length) {
      long written = syscall(SYS_write, fd, content + finished, request->content_length - finished);
      if (written < 0 && errno == EINTR) continue;
      if (written <= 0) {
        code = written < 0 ? errno : ENOSPC;
        goto done;
      }
      finished += (size_t)written;
    }
  } else if (request->size > 0 &&
             syscall(SYS_fallocate, fd, 0, 0LL, (long long)request->size) != 0) {
    code = errno;
    goto done;
  }
  *step = 5;
  // "/proc/self/fd/N", written without stdio (not safe after fork in a threaded process).
  char link[32] = "/proc/self/fd/";
  char digits[12];
  int count = 0;
  for (int rest = fd; count == 0 || rest > 0; rest /= 10) {
    digits[count++] = (char)('0' + rest % 10);
  }
  size_t at = strlen(link);
  while (count > 0) link[at++] = digits[--count];
  link[at] = 0;
  if (syscall(SYS_linkat, AT_FDCWD, link, request->dirfd, name, AT_SYMLINK_FOLLOW) != 0) {
    code = errno;
  }
done:
  syscall(SYS_close, fd);
  return code;
}

// The helper's life: become the namespace's root, say how that went, then serve one request
// per packet until the channel closes (the parent is done, or gone).
static void serve(int userns_fd, int channel) {
  static char packet[IPCSHIM_PACKET + 1];
  int answer[2] = {1, become_namespace_root(userns_fd)};
  (void)!syscall(SYS_sendto, channel, answer, sizeof answer, MSG_NOSIGNAL, NULL, 0);
  if (answer[1] != 0) return;
  for (;;) {
    long got = syscall(SYS_recvfrom, channel, packet, IPCSHIM_PACKET, 0, NULL, NULL);
    if (got < 0 && errno == EINTR) continue;
    if (got <= 0) return;
    struct ipcshim_request request;
    answer[0] = 0;
    answer[1] = EINVAL;
    if ((size_t)got >= sizeof request) {
      memcpy(&request, packet, sizeof request);
      size_t expected = sizeof request + request.name_length + 1 + request.content_length;
      if (request.name_length > 0 && request.name_length < 256 && request.content_length < 256 &&
          expected == (size_t)got && packet[sizeof request + request.name_length] == 0) {
        const char *name = packet + sizeof request;
        const char *content = name + request.name_length + 1;
        if (request.operation == 0) {
          answer[0] = 6;
          answer[1] = syscall(SYS_unlinkat, request.dirfd, name, 0) == 0 ? 0 : errno;
        } else {
          answer[1] = create_in(&request, name, content, &answer[0]);
        }
      }
    }
    if (syscall(SYS_sendto, channel, answer, sizeof answer, MSG_NOSIGNAL, NULL, 0) < 0) return;
  }
}

pid_t ipcshim_namespace_root_start(int userns_fd, int *channel, int *failure) {
  int ends[2];
  *failure = 0;
  if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, ends) != 0) return -1;
  pid_t parent = getpid();
  pid_t child = fork();
  if (child < 0) {
    int code = errno;
    close(ends[0]);
    close(ends[1]);
    errno = code;
    return -1;
  }
  if (child == 0) {
    syscall(SYS_close, ends[0]);
    // Gone with its parent, whatever ends that.
    syscall(SYS_prctl, PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    if (syscall(SYS_getppid) == parent) serve(userns_fd, ends[1]);
    _exit(0);
  }
  close(ends[1]);
  int answer[2] = {1, EIO};
  ssize_t got;
  do { got = recv(ends[0], answer, sizeof answer, 0); } while (got < 0 && errno == EINTR);
  if (got != (ssize_t)sizeof answer || answer[1] != 0) {
    *failure = got == (ssize_t)sizeof answer ? answer[1] : EIO;
    ipcshim_namespace_root_stop(child, ends[0]);
    return -1;
  }
  *channel = ends[0];
  return child;
}

void ipcshim_namespace_root_stop(pid_t child, int channel) {
  close(channel);
  int status;
  while (waitpid(child, &status, 0) < 0 && errno == EINTR) {}
}

static int ask(int channel, const struct ipcshim_request *request, const char *name,
               const void *content, int *step) {
  static const size_t limit = IPCSHIM_PACKET;
  char packet[IPCSHIM_PACKET];
  size_t total = sizeof *request + request->name_length + 1 + request->content_length;
  *step = 0;
  if (request->name_length == 0 || request->name_length >= 256 || request->content_length >= 256 ||
      total > limit) {
    return ENAMETOOLONG;
  }
  memcpy(packet, request, sizeof *request);
  memcpy(packet + sizeof *request, name, request->name_length + 1);
  if (request->content_length > 0) {
    memcpy(packet + sizeof *request + request->name_length + 1, content, request->content_length);
  }
  ssize_t sent;
  do { sent = send(channel, packet, total, MSG_NOSIGNAL); } while (sent < 0 && errno == EINTR);
  if (sent != (ssize_t)total) return EIO;  // the helper is gone
  int answer[2];
  ssize_t got;
  do { got = recv(channel, answer, sizeof answer, 0); } while (got < 0 && errno == EINTR);
  if (got != (ssize_t)sizeof answer) return EIO;
  *step = answer[0];
  return answer[1];
}

int ipcshim_namespace_root_unlink(int channel, int dirfd, const char *name, int *step) {
  struct ipcshim_request request = {
      .operation = 0, .dirfd = dirfd, .name_length = (unsigned)strlen(name)};
  return ask(channel, &request, name, NULL, step);
}

int ipcshim_namespace_root_create(int channel, int dirfd, const char *name, mode_t mode,
                                  const void *content, size_t length, unsigned long long size,
                                  int *step) {
  struct ipcshim_request request = {
      .operation = 1, .dirfd = dirfd, .mode = mode, .name_length = (unsigned)strlen(name),
      .content_length = content != NULL ? (unsigned)length : 0, .has_content = content != NULL,
      .size = size};
  return ask(channel, &request, name, content, step);
}
