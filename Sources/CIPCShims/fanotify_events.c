#define _GNU_SOURCE
#include <fcntl.h>
#include <string.h>
#include <sys/fanotify.h>
#include "CIPCShims.h"

// The default, bounded queue (16384 events): while trace's output is blocked anyone's flood of
// entries would otherwise grow kernel memory without bound. An overflow is queued and counted.
int ipcshim_fanotify_init(void) {
  return fanotify_init(FAN_CLASS_NOTIF | FAN_REPORT_DFID_NAME | FAN_REPORT_TID |
                           FAN_CLOEXEC | FAN_NONBLOCK,
                       O_RDONLY | O_CLOEXEC);
}

int ipcshim_fanotify_mark_directory(int group, int directory) {
  return fanotify_mark(group, FAN_MARK_ADD,
                       FAN_CREATE | FAN_DELETE | FAN_MOVED_FROM | FAN_MOVED_TO | FAN_ONDIR,
                       directory, NULL);
}

size_t ipcshim_fanotify_event_at(const uint8_t *buffer, size_t length, size_t offset,
                                 struct ipcshim_fanotify_event *event) {
  struct fanotify_event_metadata metadata;
  if (offset > length || length - offset < sizeof metadata) return 0;
  memcpy(&metadata, buffer + offset, sizeof metadata);
  if (metadata.vers != FANOTIFY_METADATA_VERSION || metadata.event_len < metadata.metadata_len ||
      metadata.metadata_len < sizeof metadata || metadata.event_len > length - offset)
    return 0;
  event->mask = metadata.mask;
  event->pid = metadata.pid;
  event->name_at = 0;
  event->name_length = 0;
  // Info records: a header (type, length), here a directory's fsid and file handle, then the
  // entry's name up to its NUL.
  size_t at = offset + metadata.metadata_len;
  size_t end = offset + metadata.event_len;
  while (end - at >= sizeof(struct fanotify_event_info_header)) {
    struct fanotify_event_info_header header;
    memcpy(&header, buffer + at, sizeof header);
    if (header.len < sizeof header || header.len > end - at) return 0;
    if (header.info_type == FAN_EVENT_INFO_TYPE_DFID_NAME) {
      size_t handle_at = at + sizeof(struct fanotify_event_info_fid);
      size_t record_end = at + header.len;
      struct file_handle handle;
      if (handle_at + sizeof handle > record_end) return 0;
      memcpy(&handle, buffer + handle_at, sizeof handle);
      size_t name_at = handle_at + sizeof handle + handle.handle_bytes;
      if (handle.handle_bytes > record_end - handle_at || name_at > record_end) return 0;
      const uint8_t *nul = memchr(buffer + name_at, 0, record_end - name_at);
      if (nul == NULL) return 0;
      event->name_at = (uint32_t)name_at;
      event->name_length = (uint32_t)(nul - (buffer + name_at));
    }
    at += header.len;
  }
  return end;
}
