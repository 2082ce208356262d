/* The C reference for `ipctool pi --ipc pipe`: the same series, slicing and forked workers,
 * partial sums sent to the parent over one pipe and added in slice order.
 * Usage: pi_reference TERMS [WORKERS [SLICES]] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <math.h>
#include <sys/wait.h>
#include <unistd.h>

struct record { int64_t slice; double sum; };

int main(int argc, char **argv) {
  long terms = argc > 1 ? atol(argv[1]) : 10000000;
  long workers = argc > 2 ? atol(argv[2]) : 10;
  long slices = argc > 3 ? atol(argv[3]) : workers;
  int ends[2];
  if (pipe(ends) != 0) return 1;
  for (long w = 0; w < workers; w++) {
    if (fork() == 0) {
      close(ends[0]);
      for (long s = w; s < slices; s += workers) {
        long start = s * (terms / slices);
        long end = s == slices - 1 ? terms : start + terms / slices;
        double sum = 0;
        for (long k = start; k < end; k++) {
          double odd = (double)(2 * k + 1);
          sum += 1.0 / (odd * odd);
        }
        struct record r = {s, sum};
        if (write(ends[1], &r, sizeof r) != sizeof r) _exit(1);
      }
      _exit(0);
    }
  }
  close(ends[1]);
  double *sums = calloc(slices, sizeof *sums);
  struct record r;
  for (long got = 0; got < slices && read(ends[0], &r, sizeof r) == sizeof r; got++) sums[r.slice] = r.sum;
  while (wait(NULL) > 0) {}
  double total = 0;
  for (long s = 0; s < slices; s++) total += sums[s];
  printf("%.12g\n", sqrt(8 * total));
  return 0;
}
