/* The recording file of one process: a shared memory map of records in
 * per-thread chunks, packed in 8-byte units (runtime/FORMAT.md, version 3).
 * Knows nothing of Python. */
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
    gs_unit *cur;
    gs_unit *end;
    /* the time a short record's delta counts from: the chunk's, then the
     * thread's last record there that is not tentative (FORMAT.md) */
    uint64_t base;
    uint32_t slot;
    uint32_t sequence;
    /* the recording this state belongs to (gs_epoch when it started): a thread
     * whose recording ended writes nothing more, and starts again in the next */
    uint32_t epoch;
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
    uint64_t pending_since;   /* when that acquire began */
    uint8_t lock_blocked; /* 1: blocked, LOCK_WAIT due; 2: written */
    uint8_t lock_parked;  /* it parked in the parking lot meanwhile (parks.c) */
    uint8_t event_wait_depth; /* inside a Condition, Event, queue or join wait (locks.c) */
    /* the lock and site of the thread's last LOCK_RELEASE written with a site (locks.c) */
    uint32_t release_lock;
    uint32_t release_site;
    /* the lock and site of the thread's last uncontended LOCK_ACQUIRE written
     * with a site and not retracted (quiet.c): one at the same site has none */
    uint32_t acquire_lock;
    uint32_t acquire_site;
    /* a wait in the parking lot being recorded (parks.c) */
    uint8_t park_kind;          /* 0: none; what it is (parks.c) */
    uint32_t park_lock;         /* the lock or object id it waits on */
    const void *park_addr;
    uint32_t park_site;
    gs_unit *park_acquired;     /* a tentative LOCK_ACQUIRE written at the wake, retracted if it parks again */
    const void *park_acquired_addr;
    uint32_t woken_by_slot;     /* written by the waker (wakes.c): who posted, from which line */
    uint32_t woken_by_site;
    uint64_t woken_ticks;
    uint32_t spins;             /* sched_yield calls not yet written (a SPINS record) */
    uint32_t spins_ever;        /* sched_yield calls so far: never reset (locks.c compares) */
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
    uint32_t tid;
    uint64_t start_pending;  /* a forked child's thread: its THREAD_START, written with its first record */
    uint16_t start_flags;
    /* records that carried no contention, being summarised (quiet.c) */
    uint8_t quiet_pending;   /* a summary is open: see to it before the next lasting record (quiet.c) */
    gs_unit *shadow_since;   /* full-log mode: where the records a normal run would have retracted begin */
    struct gs_quiet *quiet;  /* allocated on first use */
    /* a record with payload being put together (gs_stage), then encoded (gs_publish) */
    gs_slot stage[5];
} gs_thread;

typedef struct {
    const char *directory;
    uint32_t python_hexversion;
    uint32_t build_flags;
    uint32_t gil_mode;
    const char *python_version;
    const char *python_build;
    const char *executable;
    int attached; /* recording begins while the process runs (gilscope attach) */
} gs_process_info;

extern __thread gs_thread *gs_tls_thread __attribute__((tls_model("initial-exec")));
extern int gs_use_tsc;
extern volatile int gs_recording;
/* Counts recordings begun and ended in this process (gilscope attach may
 * start and stop several): a thread's state is of the current one when its
 * epoch is this. */
extern volatile uint32_t gs_epoch;

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

/* Whether `t` stands for a thread that records nothing (ended, or unrecorded). */
int gs_thread_finished(const gs_thread *t);

/* Calls fn on every live recorded thread, holding their list (-1 when it is busy). */
int gs_threads_each_live(void (*fn)(gs_thread *, void *), void *arg);

/* threads.c for recorder.c: set up; a forked child forgets the parent's
 * threads, then its one thread starts again as its main thread. */
void gs_threads_init(void);
void gs_threads_after_fork_child(void);
void gs_threads_restart_caller(void);

/* Room for a record of `units` units at the thread's cursor, in a new chunk
 * when the current one is full (which moves the base). NULL when the record
 * cannot be written; the loss is counted. */
gs_unit *gs_room(gs_thread *t, unsigned units);

/* Record forms (FORMAT.md, version 3). A short record is one unit: type |
 * GS_SHORT_FORM (| GS_SHORT_PAYLOAD: a second unit of four u16 payload words),
 * compact flags, u16 arg, u32 ticks since the base. A long record is a
 * version 2 slot (16 bytes: type, extra, u16 flags, u32 arg, u64 ts) and
 * `extra` 16-byte payload slots. */
#define GS_SHORT_FORM 0x80u
#define GS_SHORT_PAYLOAD 0x40u
/* flags a short record cannot carry: it keeps bits 0-3, 8, 9, 14 and 15 */
#define GS_SHORT_FLAGS_OUT 0x3CF0u

static inline uint64_t gs_short_flags(uint16_t f) {
    return (uint64_t)((f & 0xFu) | ((f >> 4) & 0x30u) | ((f >> 9) & 0x40u) | ((f >> 7) & 0x80u));
}

/* The units of the record at `u` (published). */
static inline unsigned gs_units_of(const gs_unit *u) {
    const uint8_t *b = (const uint8_t *)u;
    return (b[0] & GS_SHORT_FORM) ? 1u + ((b[0] & GS_SHORT_PAYLOAD) ? 1u : 0u) : 2u + 2u * b[1];
}

/* The units of the record in the short form, 0 when it needs the long one. */
static inline unsigned gs_short_units(const gs_thread *t, uint8_t type, uint16_t flags, uint32_t arg, uint64_t ts,
                                      const uint32_t *p, unsigned extra) {
    if ((flags & GS_SHORT_FLAGS_OUT) || arg > 0xFFFFu || ts - t->base > 0xFFFFFFFFull || type >= 64 || type == GS_STRING || extra > 1)
        return 0;
    if (!extra) return 1;
    return (p[0] | p[1] | p[2] | p[3]) > 0xFFFFu ? 0 : 2;
}

/* Publishes the long record at `u` (a version 2 slot) whose payload slots
 * are in place: its first word, with the type, last. */
static inline void gs_publish_long(gs_unit *u, uint8_t type, uint8_t extra, uint16_t flags, uint32_t arg, uint64_t ts) {
    gs_slot *s = (gs_slot *)u;
    s->arg = arg;
    s->ts = ts;
    __atomic_store_n((uint32_t *)s, (uint32_t)type | ((uint32_t)extra << 8) | ((uint32_t)flags << 16), __ATOMIC_RELEASE);
}

/* Encodes a record at the thread's cursor and publishes it: its first byte
 * (the type) is written last, with the unit it is in. `p`: `extra` payload
 * slots of four u32. The record, or NULL when it could not be written. */
static inline gs_unit *gs_emit(gs_thread *t, uint8_t type, uint16_t flags, uint32_t arg, uint64_t ts,
                               const uint32_t *p, unsigned extra) {
    if (__builtin_expect(t->epoch != gs_epoch, 0)) return NULL; /* its recording ended */
    unsigned units = gs_short_units(t, type, flags, arg, ts, p, extra);
    gs_unit *u = t->cur;
    if (__builtin_expect((size_t)(t->end - u) < (units ? units : 2u + 2u * extra), 0)) {
        u = gs_room(t, 2u + 2u * extra);
        if (!u) return NULL;
        units = gs_short_units(t, type, flags, arg, ts, p, extra); /* a new chunk has a new base */
    }
    if (units) {
        if (units == 2)
            u[1] = (uint64_t)p[0] | ((uint64_t)p[1] << 16) | ((uint64_t)p[2] << 32) | ((uint64_t)p[3] << 48);
        uint64_t head = (uint64_t)(type | GS_SHORT_FORM | (units == 2 ? GS_SHORT_PAYLOAD : 0u)) | (gs_short_flags(flags) << 8) |
                        ((uint64_t)arg << 16) | ((ts - t->base) << 32);
        __atomic_store_n(u, head, __ATOMIC_RELEASE);
    } else {
        units = 2u + 2u * extra;
        if (extra) __builtin_memcpy((gs_slot *)u + 1, p, extra * sizeof(gs_slot));
        gs_publish_long(u, type, (uint8_t)extra, flags, arg, ts);
    }
    t->cur = u + units;
    if (!(flags & GS_TENTATIVE)) t->base = ts;
    return u;
}

/* Where a record with payload is put together: its `extra` payload slots
 * follow the first (stage + 1); NULL when the thread records nothing. One
 * per thread: write no other staged record between this and gs_publish. */
static inline gs_slot *gs_stage(gs_thread *t) {
    return t->epoch == gs_epoch && t->slot != 0 ? t->stage : NULL;
}

/* Encodes the record staged at `s` (gs_stage) and publishes it. */
static inline gs_unit *gs_publish(gs_thread *t, const gs_slot *s, uint8_t type, uint8_t extra, uint16_t flags, uint32_t arg,
                                  uint64_t ts) {
    return gs_emit(t, type, flags, arg, ts, (const uint32_t *)(s + 1), extra);
}

/* Writes the thread's open GIL summary and spins (quiet.c) stamped `ts`, and
 * its lock summary once that has covered the summary window: called before
 * every lasting record, with that record's time (taken after every pair the
 * summaries hold), so that the thread's records stay in time order. */
void gs_quiet_flush_before(gs_thread *t, uint64_t ts);

/* The same, writing every open summary (a lock's before it has covered the
 * summary window too): the thread ends, or the process does. */
void gs_quiet_flush_all(gs_thread *t, uint64_t ts);

static inline void gs_before_lasting(gs_thread *t, uint64_t ts) {
    if (__builtin_expect(t->quiet_pending, 0)) gs_quiet_flush_before(t, ts);
    t->shadow_since = NULL;
}

/* A record without payload, kept (a tentative one: gs_put_tentative). */
static inline void gs_put(gs_thread *t, uint8_t type, uint16_t flags, uint32_t arg, uint64_t ts) {
    if (__builtin_expect(t->epoch != gs_epoch, 0)) return; /* its recording ended */
    gs_before_lasting(t, ts);
    gs_emit(t, type, flags, arg, ts, NULL, 0);
}

/* A record with one payload slot of four u32 (LOCK_WAIT, LOCK_ACQUIRE, SITE...). */
static inline gs_unit *gs_write4(gs_thread *t, uint8_t type, uint16_t flags, uint32_t arg, uint64_t ts,
                                 uint32_t a, uint32_t b, uint32_t c, uint32_t d) {
    const uint32_t p[4] = {a, b, c, d};
    return gs_emit(t, type, flags, arg, ts, p, 1);
}

/* A lasting record with one payload slot: the record, or NULL when it could not be written. */
static inline gs_unit *gs_put4(gs_thread *t, uint8_t type, uint16_t flags, uint32_t arg, uint64_t ts,
                               uint32_t a, uint32_t b, uint32_t c, uint32_t d) {
    gs_before_lasting(t, ts);
    return gs_write4(t, type, flags, arg, ts, a, b, c, d);
}

/* A tentative record (FORMAT.md): it may be retracted while it is the
 * thread's last (gs_retract). Writing it leaves open summaries open, and the
 * base where it was. The record, or NULL when it could not be written. */
static inline gs_unit *gs_put_tentative(gs_thread *t, uint8_t type, uint16_t flags, uint32_t arg, uint64_t ts) {
    t->shadow_since = NULL;
    return gs_emit(t, type, (uint16_t)(flags | GS_TENTATIVE), arg, ts, NULL, 0);
}

static inline gs_unit *gs_put4_tentative(gs_thread *t, uint8_t type, uint16_t flags, uint32_t arg, uint64_t ts,
                                         uint32_t a, uint32_t b, uint32_t c, uint32_t d) {
    t->shadow_since = NULL;
    return gs_write4(t, type, (uint16_t)(flags | GS_TENTATIVE), arg, ts, a, b, c, d);
}

/* Whether the record at `u` is still the thread's last (in full-log mode:
 * last but for records a normal run would have retracted). */
static inline int gs_is_last(const gs_thread *t, const gs_unit *u) {
    if (!u) return 0;
    const gs_unit *after = u + gs_units_of(u);
    return t->cur == after || t->shadow_since == after;
}

/* Writes a STRING record defining `id` (ids are chosen by the caller, so that
 * a forked child can define the same ids again in its own file). */
int gs_put_string(gs_thread *t, uint32_t id, const char *utf8, size_t length);

/* At a normal end (exit, os._exit): writes the calling thread's open
 * summaries; a thread that has let the GIL go but not yet written so
 * (descheduled in between) would lose that record when the process ends:
 * waits for such threads, 5 ms at most. Not for signal handlers. */
void gs_recorder_settle(void);

/* Retracts the thread's last record `u` (gs_is_last said so): its units are
 * free again. In full-log mode it is kept, flagged GS_SUMMARISED, and what
 * follows it is written the same way (gs_put_shadow). Only tentative records
 * are retracted, so the base stays right. */
void gs_retract(gs_thread *t, gs_unit *u);

/* Full-log mode only: a record a normal run would not write (the GIL_ACQUIRE
 * or LOCK_RELEASE of a summarised pair), flagged GS_SUMMARISED. */
void gs_put_shadow(gs_thread *t, uint8_t type, uint16_t flags, uint32_t arg, uint64_t ts, int with_payload,
                   uint32_t a, uint32_t b, uint32_t c, uint32_t d);

/* Whether this process summarises (FORMAT.md recording flag bit 2) and keeps the full log (bit 3). */
extern int gs_summarising;
extern int gs_full_log;
extern uint64_t gs_fold_window_ticks;
extern uint64_t gs_summary_window_ticks;
extern double gs_ticks_per_ns; /* the header's ticks_per_ns */

/* The calling thread is gilscope's own (the CPU sampler): recorded, flagged
 * so that readers leave it out of the program's threads. */
gs_thread *gs_thread_ours(void);

/* Stops recording in this process because the size cap is reached (budget.c):
 * the header says so and when; the program runs on unrecorded. */
void gs_recorder_stop_capped(void);

/* Recording stops in a process that goes on (gilscope attach ends): the
 * header says so (end kind GS_END_DETACHED) and when; nothing more is written. */
void gs_recorder_detach(void);
/* The same, saying who stopped it (end_code: enum gs_detach_code); from any thread. */
void gs_recorder_detach_because(int code);

/* Sets a bit of the header's recording_flags (GS_REC_*). */
void gs_recorder_set_flag(uint32_t flag);

/* Records how the process ended. Async-signal-safe. */
void gs_recorder_mark_end(uint32_t kind, int32_t code);

/* In a forked child: forget the parent's file, open a new one, and make the
 * calling thread the main thread of the child. */
void gs_recorder_after_fork_child(void);
/* In a forked child that execs another program (subprocess): forget the
 * parent's file and record nothing, not even a file. */
void gs_recorder_forget_in_child(void);

uint64_t gs_recorder_lost(void);

#endif
