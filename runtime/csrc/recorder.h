/* The recording file of one process: a shared memory map of fixed-size
 * records in per-thread chunks (runtime/FORMAT.md). Knows nothing of Python. */
#ifndef GILSCOPE_RECORDER_H
#define GILSCOPE_RECORDER_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include <x86intrin.h>

#include "records.h"

struct gs_gil;

/* Per-thread state. Reached through one initial-exec TLS pointer so that the
 * hot path costs a single load. */
typedef struct gs_thread {
    gs_slot *cur;
    gs_slot *end;
    uint32_t slot;
    uint32_t sequence;
    /* the GIL state machine (gilhooks.c) */
    const struct gs_gil *held;
    const struct gs_gil *taking;
    uint64_t ask_ticks;
    uint8_t phase;
    uint8_t waited;
    uint8_t just_released;
    const void *unknown_mutex; /* the last mutex locked that is no GIL's (gilhooks.c) */
    uint64_t resume_ticks; /* when it last asked for the GIL back */
    /* a lock acquire in progress (locks.c); the GIL hooks see it block */
    uint32_t pending_lock_id;
    uint32_t pending_site;
    uint32_t pending_holder_slot;
    uint32_t pending_holder_site;
    uint8_t lock_blocked; /* 1: blocked, LOCK_WAIT due; 2: written */
    /* a Lock being let go by this thread (locks.c): the address waiters of
     * it park on, and the release's time (wakes.c reads both) */
    const void *releasing_park;
    uint64_t releasing_ticks;
    /* written by another thread (wakes.c): the lock parked on at this address
     * was handed over to this thread at that time */
    const void *handoff_park;
    uint64_t handoff_ticks;
    /* a release asked for by the hold splitter, not written yet (gilhooks.c):
     * if the thread takes the GIL straight back, the hold goes on */
    uint64_t split_release;     /* ticks; 0: none pending */
    uint64_t split_handoff;     /* ticks of the hand-over's end; 0: none */
    uint32_t split_takes;       /* the GIL's take count at that release */
    uint8_t split_gil;
    /* a gap after a release on request, being classified (handover.c) */
    uint8_t gap_open;
    uint64_t gap_ticks;
    uint64_t gap_mono_ns;
    uint64_t gap_cpu_ns;
    long gap_voluntary;
    /* 1 from the real unlock of the GIL's mutex until its record is written (gs_recorder_settle) */
    uint8_t in_hook;
    struct gs_thread *live_prev, *live_next;
    /* the last site this thread resumed at (pyframe.c) */
    const void *last_code;
    int last_offset;
    uint32_t last_site;
} gs_thread;

typedef struct {
    const char *directory;
    uint32_t python_hexversion;
    uint32_t build_flags;
    uint32_t gil_mode;
    const char *python_version;
    const char *python_build;
    const char *executable;
} gs_process_info;

extern __thread gs_thread *gs_tls_thread __attribute__((tls_model("initial-exec")));
extern int gs_use_tsc;
extern volatile int gs_recording;

static inline uint64_t gs_mono_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static inline uint64_t gs_ticks(void) {
    return gs_use_tsc ? (uint64_t)__rdtsc() : gs_mono_ns();
}

/* Opens <directory>/p<pid>-<ns>.gsr and writes its header. 0 on success. */
int gs_recorder_open(const gs_process_info *info, char *path_out, size_t path_size);

/* The calling thread's state, created (with a THREAD_START record) on first use.
 * NULL when not recording or out of memory. */
gs_thread *gs_thread_current(void);

/* The calling thread is never recorded (the probe's own helper thread). */
void gs_thread_unrecorded(void);

/* Room for a record of 1 + extra slots in the thread's current chunk. NULL
 * when the record cannot be written; the loss is counted. */
gs_slot *gs_reserve(gs_thread *t, unsigned extra);

/* Makes a reserved record visible: the type byte is written last. */
static inline void gs_publish(gs_slot *s, uint8_t type, uint8_t extra, uint16_t flags, uint32_t arg, uint64_t ts) {
    s->arg = arg;
    s->ts = ts;
    uint32_t head = (uint32_t)type | ((uint32_t)extra << 8) | ((uint32_t)flags << 16);
    __atomic_store_n((uint32_t *)s, head, __ATOMIC_RELEASE);
}

static inline void gs_put(gs_thread *t, uint8_t type, uint16_t flags, uint32_t arg, uint64_t ts) {
    gs_slot *s = t->cur;
    if (__builtin_expect(s == t->end, 0)) {
        s = gs_reserve(t, 0);
        if (!s) return;
    }
    t->cur = s + 1;
    gs_publish(s, type, 0, flags, arg, ts);
}

/* A record with one payload slot of four u32 (LOCK_WAIT, LOCK_ACQUIRE, SITE...). */
static inline void gs_put4(gs_thread *t, uint8_t type, uint16_t flags, uint32_t arg, uint64_t ts,
                           uint32_t a, uint32_t b, uint32_t c, uint32_t d) {
    gs_slot *s = gs_reserve(t, 1);
    if (!s) return;
    uint32_t *payload = (uint32_t *)(s + 1);
    payload[0] = a;
    payload[1] = b;
    payload[2] = c;
    payload[3] = d;
    gs_publish(s, type, 1, flags, arg, ts);
}

/* Writes a STRING record defining `id` (ids are chosen by the caller, so that
 * a forked child can define the same ids again in its own file). */
int gs_put_string(gs_thread *t, uint32_t id, const char *utf8, size_t length);

/* At a normal end (exit, os._exit): a thread that has let the GIL go but
 * not yet written so (descheduled in between) would lose that record when
 * the process ends; waits for such threads, 5 ms at most. Not for signal
 * handlers. */
void gs_recorder_settle(void);

/* Records how the process ended. Async-signal-safe. */
void gs_recorder_mark_end(uint32_t kind, int32_t code);

/* In a forked child: forget the parent's file, open a new one, and make the
 * calling thread the main thread of the child. */
void gs_recorder_after_fork_child(void);

uint64_t gs_recorder_lost(void);

#endif
