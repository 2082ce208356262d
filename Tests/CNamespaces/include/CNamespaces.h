#ifndef CNAMESPACES_H
#define CNAMESPACES_H

// For the tests only: the namespace calls Swift cannot import (<sched.h> needs _GNU_SOURCE).

// setns(fd, CLONE_NEWIPC): joins the calling thread to the IPC namespace behind fd.
int testshim_join_ipc_namespace(int fd);
// unshare(CLONE_NEWIPC): gives the calling thread an IPC namespace of its own.
int testshim_unshare_ipc_namespace(void);

#endif
