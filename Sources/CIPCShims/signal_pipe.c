#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include "signal_pipe.h"

static volatile sig_atomic_t pipe_write_end = -1;

static void write_signal(int signo) {
  int saved = errno;  // the interrupted code may be about to read errno
  unsigned char byte = (unsigned char)signo;
  if (pipe_write_end >= 0) (void)write(pipe_write_end, &byte, 1);
  errno = saved;
}

int ipcshim_signal_pipe_open(int *fds) { return pipe2(fds, O_CLOEXEC | O_NONBLOCK); }

void ipcshim_signal_pipe_start(int write_fd, const int *signals, int count) {
  pipe_write_end = write_fd;
  sigset_t watched;
  sigemptyset(&watched);
  for (int i = 0; i < count; i++) {
    struct sigaction action = {0};
    action.sa_handler = write_signal;
    sigemptyset(&action.sa_mask);
    sigaction(signals[i], &action, NULL);
    sigaddset(&watched, signals[i]);
  }
  // A parent (a test runner's thread, a shell) may hand these down blocked.
  sigprocmask(SIG_UNBLOCK, &watched, NULL);
}

void ipcshim_signal_pipe_stop(const int *signals, int count) {
  for (int i = 0; i < count; i++) {
    struct sigaction action = {0};
    action.sa_handler = SIG_DFL;
    sigemptyset(&action.sa_mask);
    sigaction(signals[i], &action, NULL);
  }
  pipe_write_end = -1;
}
