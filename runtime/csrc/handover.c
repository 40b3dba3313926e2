/* A thread that lets the GIL go on request (a forced switch in the eval
 * breaker; the hold splitter's ask) asks for it again at once unless it has
 * something to do without it: a forced switch taken inside C code that then
 * does I/O, say. On a machine with no free core the OS may keep the thread
 * off the CPU between the two for a long while, and that time is GIL
 * hand-over, not time the thread ran without the GIL: a pure-Python thread
 * never does. The thread's own counters tell the two apart exactly: blocking
 * is a voluntary context switch, and running native code takes CPU time;
 * waiting for a core is neither. Two system calls at the start of the gap and
 * two at its end, at most once per switch interval per thread. */
#define _GNU_SOURCE
#include "handover.h"

#include <errno.h>
#include <sys/resource.h>
#include <time.h>

/* CPU time under this much of the gap is the few instructions between the
 * hand-over and the ask, or the kernel's bookkeeping of a preemption. */
#define CPU_SHARE_OF_A_GAP 0.5

static int counters(uint64_t *cpu_ns, long *voluntary) {
    struct timespec ts;
    struct rusage usage;
    if (clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts) != 0 || getrusage(RUSAGE_THREAD, &usage) != 0) return -1;
    *cpu_ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
    *voluntary = usage.ru_nvcsw;
    return 0;
}

void gs_gap_begin(gs_thread *t, uint64_t ticks) {
    int saved = errno;
    t->gap_open = counters(&t->gap_cpu_ns, &t->gap_voluntary) == 0;
    t->gap_ticks = ticks;
    t->gap_mono_ns = gs_mono_ns();
    errno = saved;
}

int gs_gap_end_was_handover(gs_thread *t) {
    if (!t->gap_open) return -1;
    t->gap_open = 0;
    int saved = errno;
    uint64_t cpu_ns, now = gs_mono_ns();
    long voluntary;
    int ok = counters(&cpu_ns, &voluntary) == 0;
    errno = saved;
    if (!ok) return -1;
    uint64_t wall = now > t->gap_mono_ns ? now - t->gap_mono_ns : 0;
    if (voluntary != t->gap_voluntary) return 0;
    return (double)(cpu_ns - t->gap_cpu_ns) <= CPU_SHARE_OF_A_GAP * (double)wall || wall < 20000 ? 1 : 0;
}
