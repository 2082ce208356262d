#ifndef CIPCSHIMS_H
#define CIPCSHIMS_H

// Fixed-arity wrappers for the C calls Swift cannot import: the variadic ones, the ones whose
// header Glibc's module leaves out (<mqueue.h>), macros, and raw syscalls without a libc wrapper.

#include <mqueue.h>
#include <sys/types.h>
#include <sys/sem.h>
#include <sys/stat.h>

// <mqueue.h>
mqd_t ipcshim_mq_open(const char *_Nonnull name, int oflag, mode_t mode,
                      struct mq_attr *_Nullable attr);
int ipcshim_mq_close(mqd_t mqd);
int ipcshim_mq_unlink(const char *_Nonnull name);
int ipcshim_mq_getattr(mqd_t mqd, struct mq_attr *_Nonnull attr);
int ipcshim_mq_send(mqd_t mqd, const char *_Nonnull buffer, size_t length, unsigned priority);
ssize_t ipcshim_mq_receive(mqd_t mqd, char *_Nonnull buffer, size_t length);
// The same, telling the message's priority (`ipctool receive`).
ssize_t ipcshim_mq_receive_priority(mqd_t mqd, char *_Nonnull buffer, size_t length,
                                    unsigned *_Nonnull priority);

// semctl is variadic and takes union semun, which glibc leaves to the caller to define.
int ipcshim_semctl_command(int semid, int semnum, int command); // GETVAL, GETNCNT, IPC_RMID...
int ipcshim_semctl_getall(int semid, unsigned short *_Nonnull values);
int ipcshim_semctl_setall(int semid, unsigned short *_Nonnull values);
int ipcshim_semctl_stat(int semid, int command, struct semid_ds *_Nonnull info); // IPC_STAT...

// pipe2(fds, O_CLOEXEC): both ends close-on-exec from the start (Glibc's module leaves out pipe2).
int ipcshim_pipe_cloexec(int *_Nonnull fds);

// A memfd (MFD_CLOEXEC, plus MFD_HUGETLB when `hugetlb`): it lives on the kernel's internal shm
// (or hugetlbfs) mount, where System V segments live, so its st_dev tells theirs. -1 with errno.
int ipcshim_memfd(const char *_Nonnull name, int hugetlb);

// The highest slot in use of each System V kind (IPC_INFO), -1 when none is, or -1 with errno.
int ipcshim_msg_highest_slot(void);
int ipcshim_shm_highest_slot(void);
int ipcshim_sem_highest_slot(void);

// The wait-status macros.
int ipcshim_wexitstatus(int status);
int ipcshim_wifsignaled(int status);
int ipcshim_wtermsig(int status);

// open(dir, O_TMPFILE): O_TMPFILE is a macro Swift cannot import.
int ipcshim_open_tmpfile(const char *_Nonnull directory, mode_t mode);

// A detached mount of this IPC namespace's mqueue filesystem: no mount point, gone when the
// returned descriptor is closed (fsopen(2), fsmount(2)). -1 with errno on failure.
int ipcshim_open_private_mqueue_mount(void);

// setns(fd, CLONE_NEWIPC): joins the calling thread (and the threads it starts later) to the IPC
// namespace behind fd, a /proc/PID/ns/ipc descriptor. -1 with errno on failure.
int ipcshim_join_ipc_namespace(int fd);


// openat2(2) (no glibc wrapper): `resolve` is RESOLVE_* bits, e.g. IPCSHIM_RESOLVE_IN_ROOT, so a
// path is looked up as if `dirfd` were "/" and can never leave it. -1 with errno on failure.
#define IPCSHIM_RESOLVE_NO_MAGICLINKS 0x02
#define IPCSHIM_RESOLVE_NO_SYMLINKS 0x04
// Macros the Glibc module leaves out.
#define IPCSHIM_O_PATH 010000000
#define IPCSHIM_AT_EMPTY_PATH 0x1000
#define IPCSHIM_RESOLVE_IN_ROOT 0x10
#define IPCSHIM_RESOLVE_NO_XDEV 0x01
#define IPCSHIM_RESOLVE_BENEATH 0x08
int ipcshim_openat2(int dirfd, const char *_Nonnull path, int flags, unsigned long long resolve);

// One name in the folder `dirfd` opened (openat2) without leaving it: no symlink, no "..", and no
// mount crossed (EXDEV): whatever is mounted on the name, a stalled FUSE file included, is never
// asked anything, even if it was mounted after the folder's mount table was read. O_NOFOLLOW
// and O_CLOEXEC are added. -1 with errno on failure.
int ipcshim_open_in_folder(int dirfd, const char *_Nonnull name, int flags);

// fstatat(2) by way of statx(2), which also tells the mount the file is on (STATX_MNT_ID): a file
// bind-mounted over a name is on another mount than its directory. A non-empty `path` is a name
// in the folder `dirfd`, looked up as ipcshim_open_in_folder does (a symlink is stat'ed itself).
// -1 with errno on failure.
int ipcshim_fstatat_mount(int dirfd, const char *_Nonnull path, int flags,
                          struct stat *_Nonnull status, unsigned long long *_Nonnull mount_id);

// One name read from the folder `dirfd` (no '/', not "." or "..": EINVAL), stat'ed in one
// statx(2) as it is, with the mount it is on: a link is the link, an automount point is not
// triggered, and AT_STATX_DONT_SYNC answers from the inode the kernel holds, so a file system
// mounted on the name after the folder's mount table was read (a stalled FUSE file) is asked
// nothing; its mount id differs from the folder's, which the caller checks. -1 with errno.
int ipcshim_entry_status(int dirfd, const char *_Nonnull name, struct stat *_Nonnull status,
                         unsigned long long *_Nonnull mount_id);

// The device and inode of `path` (followed, /proc/PID/fd/N included) as its inode already has
// them (AT_STATX_DONT_SYNC): its file system is asked nothing, so a stalled FUSE server cannot
// hold the caller. -1 with errno on failure.
int ipcshim_identity_at(int dirfd, const char *_Nonnull path,
                        unsigned long long *_Nonnull device, unsigned long long *_Nonnull inode);

// O_TMPFILE in the directory behind a descriptor (openat(dirfd, ".", O_TMPFILE|O_RDWR)).
int ipcshim_open_tmpfile_at(int dirfd, mode_t mode);

// Acting as the root of another user namespace, so the kernel checks what that root may do: a
// forked, single-threaded helper drops its groups, joins `userns_fd` (a /proc/PID/ns/user
// descriptor) with setns, becomes uid and gid 0 there, and then serves requests on `*channel`,
// working only through the directory descriptors it inherited, until the channel is closed.
// Returns its pid, or -1 with errno (fork) or with `*failure` set (it could not become that root).
pid_t ipcshim_namespace_root_start(int userns_fd, int *_Nonnull channel, int *_Nonnull failure);
// Closes the channel and reaps the helper.
void ipcshim_namespace_root_stop(pid_t child, int channel);
// Each request returns 0, or the errno of the step that failed (`*step`: 2 open, 3 fchmod,
// 4 size or write, 5 link, 6 unlink; EIO if the helper is gone).
// unlinkat(dirfd, name, 0):
int ipcshim_namespace_root_unlink(int channel, int dirfd, const char *_Nonnull name,
                                  int *_Nonnull step);
// A nameless file of `mode` in dirfd, `length` bytes of `content` written (or, with no content,
// `size` bytes allocated), linked as `name` once complete (EEXIST if the name is taken):
int ipcshim_namespace_root_create(int channel, int dirfd, const char *_Nonnull name, mode_t mode,
                                  const void *_Nullable content, size_t length,
                                  unsigned long long size, int *_Nonnull step);

// ipctool pi's parent: every catchable signal that would end it (HUP, INT, QUIT, TERM, USR1,
// USR2, PIPE, an outside ALRM) is remembered, not fatal, so it can clean up; a 100 ms interval
// timer interrupts its blocking calls (no SA_RESTART) so it can notice a dead worker, a stop
// request or its deadline. Async-signal-safe state lives here, in C.
void ipcshim_watch_signals_start(void);
void ipcshim_watch_signals_stop(void);
/// The first stop signal received since start, or 0.
int ipcshim_stop_signal(void);
/// Ignores every stop signal (pi's workers and its cleanup helper: the parent decides).
void ipcshim_ignore_stop_signals(void);
/// In a forked worker: stop signals ignored, and death when the parent dies.
void ipcshim_worker_after_fork(pid_t parent);

// process_vm_readv(2) for one range, which Glibc's module leaves out: reads another process's
// memory without attaching anything (a System V segment's attach time and pid stay as they were).
// The count read, or -1 with errno.
ssize_t ipcshim_read_process_memory(pid_t pid, unsigned long address, void *_Nonnull buffer,
                                    size_t length);

// The process's arguments as the kernel passed them (saved by a constructor at start-up).
int ipcshim_argc(void);
char *_Nullable const *_Nullable ipcshim_argv(void);

#include "file_facts.h"  // ipctool memory
#include "signal_pipe.h"  // ipctool watch
// ipctool trace (trace.c): unshare(CLONE_NEWNS), which needs _GNU_SOURCE, so tracefs can be
// mounted where only this process sees it. -1 with errno on failure.
int ipcshim_unshare_mount_namespace(void);
// The errno's symbolic name ("EEXIST"), or NULL for a number glibc does not name.
const char *_Nullable ipcshim_errno_name(int code);
#include "fanotify_events.h"  // ipctool trace: files created and removed in /dev/shm

#endif
