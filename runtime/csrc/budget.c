/* The size cap (FORMAT.md, "The size cap"): `budget` in the recording folder,
 * made by the launcher and mapped shared by every recorded process, counts
 * the bytes the recording takes (each file's header page, each segment as it
 * is reserved). A process whose next piece would pass the cap stops
 * recording and says so here; the others stop at their next piece. */
#define _GNU_SOURCE
#include "budget.h"

#include <fcntl.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

typedef struct {
    uint64_t used;     /* atomic */
    uint64_t cap;
    uint32_t reached;  /* atomic */
    uint32_t reserved;
    uint64_t reached_mono_ns;
    uint64_t reached_realtime_ns;
} budget_file;

static budget_file *budget;

void gs_budget_open(const char *directory) {
    if (budget) return; /* a forked child keeps the parent's mapping */
    char path[4200];
    snprintf(path, sizeof path, "%s/budget", directory);
    int fd = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) return; /* no cap asked for */
    struct stat st;
    /* only a budget of this user's, private to it, and of the right size is trusted */
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_uid == geteuid() && !(st.st_mode & 077) &&
        st.st_size == 4096) {
        void *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (m != MAP_FAILED) budget = m;
    }
    close(fd);
}

uint64_t gs_budget_cap(void) { return budget ? budget->cap : 0; }

int gs_budget_take(uint64_t bytes) {
    if (!budget) return 1;
    if (__atomic_load_n(&budget->reached, __ATOMIC_ACQUIRE)) return 0;
    uint64_t used = __atomic_add_fetch(&budget->used, bytes, __ATOMIC_RELAXED);
    if (budget->cap && used > budget->cap) {
        gs_budget_mark_reached();
        return 0;
    }
    return 1;
}

static uint64_t clock_ns(clockid_t clock) {
    struct timespec ts;
    clock_gettime(clock, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

void gs_budget_mark_reached(void) {
    if (!budget) return;
    uint32_t expected = 0;
    if (!__atomic_compare_exchange_n(&budget->reached, &expected, 2, 0, __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) return;
    budget->reached_mono_ns = clock_ns(CLOCK_MONOTONIC);
    budget->reached_realtime_ns = clock_ns(CLOCK_REALTIME);
    __atomic_store_n(&budget->reached, 1, __ATOMIC_RELEASE);
}
