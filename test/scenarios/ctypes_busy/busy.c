/* busy.c: a C function that keeps a core busy for `seconds`, called through ctypes.
 * Built by the scenario test: gcc -O2 -shared -fPIC busy.c -o libbusy.so
 * ctypes releases the GIL around every foreign call, so the calling thread runs
 * without it while this spins. */
#include <time.h>

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Spins until `seconds` have passed; returns the loop count (so the loop is not optimised away). */
long long busy_wait(double seconds) {
  double end = now() + seconds;
  volatile long long spins = 0;
  while (now() < end) spins++;
  return spins;
}
