#ifndef CIPCSHIMS_SIGNAL_PIPE_H
#define CIPCSHIMS_SIGNAL_PIPE_H

// ipctool watch's signals, as a self-pipe: a handler, on whichever thread the kernel picks,
// writes the signal's number as one byte to a pipe the main loop polls beside its terminal.
// Nothing but write(2) runs in the handler.

// A pipe, both ends close-on-exec and non-blocking (a full pipe drops a byte, never blocks a
// handler): fds[0] to read, fds[1] to write. -1 with errno on failure.
int ipcshim_signal_pipe_open(int *_Nonnull fds);

// Sends each of `signals` to `write_fd` from now on (unblocked, no SA_RESTART: a blocking call
// returns EINTR).
void ipcshim_signal_pipe_start(int write_fd, const int *_Nonnull signals, int count);

// Gives each of `signals` its default action back; the pipe is no longer written.
void ipcshim_signal_pipe_stop(const int *_Nonnull signals, int count);

#endif
