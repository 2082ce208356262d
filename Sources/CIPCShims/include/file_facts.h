#ifndef CIPCSHIMS_FILE_FACTS_H
#define CIPCSHIMS_FILE_FACTS_H

// What `ipctool memory` asks of a file it found through /proc/PID/fd or /proc/PID/map_files:
// its identity, its size and the pages it holds.
struct ipcshim_file_facts {
  unsigned long long device;  // st_dev, as makedev builds it
  unsigned long long inode;
  unsigned long long size;    // st_size
  unsigned long long blocks;  // st_blocks, 512-byte units: the pages it holds, in memory or swap
  unsigned int links;         // st_nlink: 0 once every name is gone
};

// statx(dirfd, path, AT_STATX_DONT_SYNC | flags): the facts as the inode already has them, so
// the file's own file system is asked nothing (a stalled FUSE server cannot hold the caller).
// `path` is followed unless `flags` holds AT_SYMLINK_NOFOLLOW. -1 with errno on failure.
int ipcshim_file_facts_at(int dirfd, const char *_Nonnull path, int flags,
                          struct ipcshim_file_facts *_Nonnull facts);

#endif
