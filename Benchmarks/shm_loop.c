// Creates and unlinks COUNT POSIX segments (/bench_trace_N) as fast as it can: 2 x COUNT calls.
// Prints the loop's seconds. With RATE, it keeps to RATE creates + unlinks a second (paced every
// 100). With WAIT, it first waits for a line on its standard input (so that a trace of its pid
// can start before its first call).
// Usage: shm_loop COUNT [RATE [wait]]
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv) {
  long count = argc > 1 ? atol(argv[1]) : 100000;
  double rate = argc > 2 ? atof(argv[2]) : 0;
  char name[64];
  struct timespec start, end;
  if (argc > 3) {
    char line[8];
    if (!fgets(line, sizeof line, stdin)) return 1;
  }
  clock_gettime(CLOCK_MONOTONIC, &start);
  for (long i = 0; i < count; i++) {
    snprintf(name, sizeof name, "/bench_trace_%ld", i);
    int fd = shm_open(name, O_CREAT | O_EXCL | O_RDWR, 0600);
    if (fd < 0 || close(fd) != 0 || shm_unlink(name) != 0) { perror(name); return 1; }
    if (rate > 0 && i % 100 == 99) {
      // Sleep until the time the next hundred are due.
      double due = (double)(i + 1) * 2 / rate;
      struct timespec now;
      clock_gettime(CLOCK_MONOTONIC, &now);
      double elapsed = (double)(now.tv_sec - start.tv_sec) + (now.tv_nsec - start.tv_nsec) / 1e9;
      if (due > elapsed) {
        struct timespec pause = {(time_t)(due - elapsed), (long)((due - elapsed - (time_t)(due - elapsed)) * 1e9)};
        nanosleep(&pause, NULL);
      }
    }
  }
  clock_gettime(CLOCK_MONOTONIC, &end);
  printf("%.3f\n", (double)(end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9);
  return 0;
}
