#define _GNU_SOURCE
#include "CNamespaces.h"

#include <sched.h>

int testshim_join_ipc_namespace(int fd) { return setns(fd, CLONE_NEWIPC); }
int testshim_unshare_ipc_namespace(void) { return unshare(CLONE_NEWIPC); }
