#define _GNU_SOURCE
#include "CIPCShims.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/msg.h>
#include <sys/prctl.h>
#include <sys/shm.h>
#include <sys/time.h>
#include <sys/uio.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

mqd_t ipcshim_mq_open(const char *name, int oflag, mode_t mode, struct mq_attr *attr) {
  return mq_open(name, oflag, mode, attr);
}
int ipcshim_mq_close(mqd_t mqd) { return mq_close(mqd); }
int ipcshim_mq_unlink(const char *name) { return mq_unlink(name); }
int ipcshim_mq_getattr(mqd_t mqd, struct mq_attr *attr) { return mq_getattr(mqd, attr); }
int ipcshim_mq_send(mqd_t mqd, const char *buffer, size_t length, unsigned priority) {
  return mq_send(mqd, buffer, length, priority);
}
ssize_t ipcshim_mq_receive(mqd_t mqd, char *buffer, size_t length) {
  return mq_receive(mqd, buffer, length, NULL);
}
ssize_t ipcshim_mq_receive_priority(mqd_t mqd, char *buffer, size_t length, unsigned *priority) {
  return mq_receive(mqd, buffer, length, priority);
}
union ipcshim_semun {
  int val;
  struct semid_ds *buf;
  unsigned short *array;
};

int ipcshim_semctl_command(int semid, int semnum, int command) {
  return semctl(semid, semnum, command);
}
int ipcshim_semctl_getall(int semid, unsigned short *values) {
  union ipcshim_semun arg = {.array = values};
  return semctl(semid, 0, GETALL, arg);
}
int ipcshim_semctl_setall(int semid, unsigned short *values) {
  union ipcshim_semun arg = {.array = values};
  return semctl(semid, 0, SETALL, arg);
}
int ipcshim_semctl_stat(int semid, int command, struct semid_ds *info) {
  union ipcshim_semun arg = {.buf = info};
  return semctl(semid, 0, command, arg);
}

int ipcshim_wexitstatus(int status) { return WEXITSTATUS(status); }
int ipcshim_wifsignaled(int status) { return WIFSIGNALED(status); }
int ipcshim_wtermsig(int status) { return WTERMSIG(status); }

int ipcshim_open_tmpfile(const char *directory, mode_t mode) {
  return open(directory, O_TMPFILE | O_RDWR | O_CLOEXEC, mode);
}

#ifndef FSCONFIG_CMD_CREATE
#define FSCONFIG_CMD_CREATE 6
#endif

int ipcshim_join_ipc_namespace(int fd) { return setns(fd, CLONE_NEWIPC); }

int ipcshim_open_private_mqueue_mount(void) {
  int context = (int)syscall(SYS_fsopen, "mqueue", 1 /* FSOPEN_CLOEXEC */);
  if (context < 0) return -1;
  int mount = -1;
  if (syscall(SYS_fsconfig, context, FSCONFIG_CMD_CREATE, NULL, NULL, 0) == 0) {
    mount = (int)syscall(SYS_fsmount, context, 1 /* FSMOUNT_CLOEXEC */, 0);
  }
  int saved = errno;
  close(context);
  errno = saved;
  return mount;
}

static volatile sig_atomic_t stop_signal = 0;

// Every signal whose default would end the run without cleaning up, and that a process can
// catch: the terminal closing (HUP), Ctrl-C and Ctrl-\ (INT, QUIT), kill's default (TERM), the
// user signals, a closed output (PIPE) and an alarm someone else set (ALRM).
static const int stop_signals[] = {SIGHUP, SIGINT, SIGQUIT, SIGTERM, SIGUSR1, SIGUSR2, SIGPIPE, SIGALRM};
enum { stop_signal_count = sizeof stop_signals / sizeof stop_signals[0] };

static void remember_stop(int signo, siginfo_t *info, void *context) {
  (void)context;
  // The parent's own interval timer sends SIGALRM from the kernel: a tick, there only to
  // interrupt blocking calls. An alarm sent by anyone else is a request to stop.
  if (signo == SIGALRM && info != NULL && info->si_code == SI_KERNEL) return;
  if (stop_signal == 0) stop_signal = signo;
}

static void set_action(int signo, void (*handler)(int, siginfo_t *, void *), void (*plain)(int)) {
  struct sigaction action = {0};
  if (handler != NULL) {
    action.sa_sigaction = handler;
    action.sa_flags = SA_SIGINFO; // no SA_RESTART: blocking calls return EINTR
  } else {
    action.sa_handler = plain;
  }
  sigemptyset(&action.sa_mask);
  sigaction(signo, &action, NULL);
}

static void set_timer(long microseconds) {
  struct itimerval timer = {0};
  timer.it_interval.tv_usec = microseconds;
  timer.it_value.tv_usec = microseconds;
  setitimer(ITIMER_REAL, &timer, NULL);
}

void ipcshim_watch_signals_start(void) {
  stop_signal = 0;
  // A parent (a test runner's thread, a shell) may hand these down blocked.
  sigset_t watched;
  sigemptyset(&watched);
  for (int i = 0; i < stop_signal_count; i++) sigaddset(&watched, stop_signals[i]);
  sigprocmask(SIG_UNBLOCK, &watched, NULL);
  for (int i = 0; i < stop_signal_count; i++) set_action(stop_signals[i], remember_stop, NULL);
  set_timer(100000);
}

void ipcshim_watch_signals_stop(void) {
  set_timer(0);
  for (int i = 0; i < stop_signal_count; i++) set_action(stop_signals[i], NULL, SIG_DFL);
}

int ipcshim_stop_signal(void) { return stop_signal; }

void ipcshim_ignore_stop_signals(void) {
  for (int i = 0; i < stop_signal_count; i++) set_action(stop_signals[i], NULL, SIG_IGN);
}

void ipcshim_worker_after_fork(pid_t parent) {
  // A signal sent to the whole group (the terminal's) reaches the workers too: the parent
  // decides, and kills them itself once it has cleaned up. A closed pipe is an EPIPE.
  ipcshim_ignore_stop_signals();
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  if (getppid() != parent) _exit(125); // the parent died before prctl took effect
}
// IPC_INFO, not MSG_INFO/SHM_INFO/SEM_INFO: SHM_INFO walks every segment to add up its pages
// (at 32,768 segments a few percent of a clean), and the index is all that is needed here.
int ipcshim_msg_highest_slot(void) {
  struct msginfo info;
  return msgctl(0, IPC_INFO, (struct msqid_ds *)&info);
}
int ipcshim_shm_highest_slot(void) {
  struct shminfo info;
  return shmctl(0, IPC_INFO, (struct shmid_ds *)&info);
}
int ipcshim_sem_highest_slot(void) {
  struct seminfo info;
  union ipcshim_semun arg;
  arg.buf = (struct semid_ds *)&info;
  return semctl(0, 0, IPC_INFO, arg);
}

// glibc calls the functions of .init_array with argc, argv and envp. Keeping them here gives the
// arguments as the kernel passed them, byte for byte, even where /proc is not mounted (the Swift
// runtime reads /proc/self/cmdline on Linux, and repairs invalid UTF-8 when it makes Strings).
static int saved_argc;
static char **saved_argv;

__attribute__((constructor)) static void ipcshim_save_arguments(int argc, char **argv,
                                                               char **envp) {
  (void)envp;
  saved_argc = argc;
  saved_argv = argv;
}

int ipcshim_argc(void) { return saved_argc; }
char *const *ipcshim_argv(void) { return saved_argv; }

int ipcshim_pipe_cloexec(int *_Nonnull fds) {
  return pipe2(fds, O_CLOEXEC);
}

int ipcshim_memfd(const char *_Nonnull name, int hugetlb) {
  return memfd_create(name, MFD_CLOEXEC | (hugetlb ? MFD_HUGETLB : 0));
}

ssize_t ipcshim_read_process_memory(pid_t pid, unsigned long address, void *buffer, size_t length) {
  struct iovec local = {.iov_base = buffer, .iov_len = length};
  struct iovec remote = {.iov_base = (void *)address, .iov_len = length};
  return process_vm_readv(pid, &local, 1, &remote, 1, 0);
}
