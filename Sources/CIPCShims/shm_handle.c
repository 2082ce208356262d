// The calls behind a verified /dev/shm handle (Sources/IPCKit/POSIX/ShmHandle.swift): openat2,
// statx's mount id, and the helper that acts with another user namespace's root's powers.
#define _GNU_SOURCE
#include "CIPCShims.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/stat.h>
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

int ipcshim_fstatat_mount(int dirfd, const char *path, int flags, struct stat *status,
                          unsigned long long *mount_id) {
  struct statx x;
  if (statx(dirfd, path, flags, STATX_BASIC_STATS | STATX_MNT_ID, &x) != 0) return -1;
  memset(status, 0, sizeof *status);
  status->st_dev = makedev(x.stx_dev_major, x.stx_dev_minor);
  status->st_rdev = makedev(x.stx_rdev_major, x.stx_rdev_minor);
  status->st_ino = x.stx_ino;
  status->st_mode = x.stx_mode;
  status->st_nlink = x.stx_nlink;
  status->st_uid = x.stx_uid;
  status->st_gid = x.stx_gid;
  status->st_size = (off_t)x.stx_size;
  status->st_blksize = (blksize_t)x.stx_blksize;
  status->st_blocks = (blkcnt_t)x.stx_blocks;
  status->st_atim.tv_sec = x.stx_atime.tv_sec;
  status->st_atim.tv_nsec = x.stx_atime.tv_nsec;
  status->st_mtim.tv_sec = x.stx_mtime.tv_sec;
  status->st_mtim.tv_nsec = x.stx_mtime.tv_nsec;
  status->st_ctim.tv_sec = x.stx_ctime.tv_sec;
  status->st_ctim.tv_nsec = x.stx_ctime.tv_nsec;
  *mount_id = (x.stx_mask & STATX_MNT_ID) ? x.stx_mnt_id : 0;
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

struct ipcshim_create_request {
  int dirfd;
  const char *name;
  mode_t mode;
  const void *content;
  size_t length;
  unsigned long long size;
};

static int create_in(const struct ipcshim_create_request *request, int *step) {
  *step = 2;
  int fd = (int)syscall(SYS_openat, request->dirfd, ".", O_TMPFILE | O_RDWR | O_CLOEXEC,
                        request->mode);
  if (fd < 0) return errno;
  *step = 3;
  if (syscall(SYS_fchmod, fd, request->mode) != 0) return errno;
  *step = 4;
  if (request->content != NULL) {
    const char *bytes = request->content;
    size_t done = 0;
    while (done < request->length) {
      long written = syscall(SYS_write, fd, bytes + done, request->length - done);
      if (written < 0 && errno == EINTR) continue;
      if (written <= 0) return written < 0 ? errno : ENOSPC;
      done += (size_t)written;
    }
  } else if (request->size > 0 &&
             syscall(SYS_fallocate, fd, 0, 0LL, (long long)request->size) != 0) {
    return errno;
  }
  *step = 5;
  // "/proc/self/fd/N", written without stdio (not safe after fork in a threaded process).
  char link[32] = "/proc/self/fd/";
  char digits[12];
  int count = 0;
  for (int rest = fd; count == 0 || rest > 0; rest /= 10) digits[count++] = (char)('0' + rest % 10);
  size_t at = strlen(link);
  while (count > 0) link[at++] = digits[--count];
  link[at] = 0;
  if (syscall(SYS_linkat, AT_FDCWD, link, request->dirfd, request->name, AT_SYMLINK_FOLLOW) != 0) {
    return errno;
  }
  return 0;
}

// Runs one operation (0 unlink, 1 create) in a child; the child's step and errno come back
// through a pipe.
static int as_namespace_root(int userns_fd, int operation,
                             const struct ipcshim_create_request *request, int *step) {
  int channel[2];
  *step = 1;
  if (pipe2(channel, O_CLOEXEC) != 0) return errno;
  pid_t child = fork();
  if (child < 0) {
    int code = errno;
    close(channel[0]);
    close(channel[1]);
    return code;
  }
  if (child == 0) {
    int answer[2] = {1, become_namespace_root(userns_fd)};
    if (answer[1] == 0) {
      if (operation == 0) {
        answer[0] = 6;
        answer[1] = syscall(SYS_unlinkat, request->dirfd, request->name, 0) == 0 ? 0 : errno;
      } else {
        answer[1] = create_in(request, &answer[0]);
      }
    }
    (void)!write(channel[1], answer, sizeof answer);
    _exit(0);
  }
  close(channel[1]);
  int answer[2] = {1, EIO};
  ssize_t got;
  do { got = read(channel[0], answer, sizeof answer); } while (got < 0 && errno == EINTR);
  close(channel[0]);
  int status;
  while (waitpid(child, &status, 0) < 0 && errno == EINTR) {}
  if (got != (ssize_t)sizeof answer) return EIO;  // the child died before it could answer
  *step = answer[0];
  return answer[1];
}

int ipcshim_unlink_as_namespace_root(int userns_fd, int dirfd, const char *name, int *step) {
  struct ipcshim_create_request request = {.dirfd = dirfd, .name = name};
  return as_namespace_root(userns_fd, 0, &request, step);
}

int ipcshim_create_as_namespace_root(int userns_fd, int dirfd, const char *name, mode_t mode,
                                     const void *content, size_t length, unsigned long long size,
                                     int *step) {
  struct ipcshim_create_request request = {
      .dirfd = dirfd, .name = name, .mode = mode,
      .content = content, .length = length, .size = size};
  return as_namespace_root(userns_fd, 1, &request, &step[0]);
}
