#define _GNU_SOURCE
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#include "file_facts.h"

int ipcshim_file_facts_at(int dirfd, const char *path, int flags,
                          struct ipcshim_file_facts *facts) {
  struct statx x;
  unsigned int mask = STATX_INO | STATX_SIZE | STATX_BLOCKS | STATX_NLINK;
  if (statx(dirfd, path, AT_STATX_DONT_SYNC | flags, mask, &x) != 0) return -1;
  facts->device = makedev(x.stx_dev_major, x.stx_dev_minor);
  facts->inode = x.stx_ino;
  facts->size = x.stx_size;
  facts->blocks = x.stx_blocks;
  facts->links = x.stx_nlink;
  return 0;
}
