#define _GNU_SOURCE
#include <sched.h>
#include <string.h>
#include "CIPCShims.h"

int ipcshim_unshare_mount_namespace(void) { return unshare(CLONE_NEWNS); }

const char *ipcshim_errno_name(int code) { return strerrorname_np(code); }
