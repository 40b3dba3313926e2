/* The per-thread GIL state machine (shared/docs/gil-internals.md):
 *   lock(gil.mutex) while not holding   -> the thread asks for the GIL
 *   ...and the mutex is busy, or cond_timedwait(gil.cond) follows
 *                                       -> it had to wait, from that moment
 *   lock(gil.switch_mutex) meanwhile    -> this is take_gil's take
 *   unlock(gil.mutex) after that mark   -> acquired
 *   lock(gil.mutex) while holding, then unlock with locked == 0 -> released
 *   lock(gil.switch_mutex) right after releasing, then its unlock -> the
 *     hand-over wait of a forced switch ended (drop_gil waits on switch_cond
 *     until another thread has taken the GIL: blocked by the GIL, not I/O)
 * Other code that locks gil.mutex (signal_active_thread in 3.13) never marks
 * the take and never sees locked == 0 while holding, so it records nothing.
 * Records are written after the real unlock: the profiler stays outside the
 * critical section it measures. */
#define _GNU_SOURCE
#include "gilhooks.h"

#include "handover.h"
#include "quiet.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>


#define MAX_GILS 64

enum { PHASE_IDLE = 0, PHASE_ASKING, PHASE_TAKING, PHASE_DROPPING, PHASE_HANDOFF };

static gs_gil gils[MAX_GILS];
static uint32_t gil_takes[MAX_GILS]; /* written by the holder only: the GIL orders the writes */
static void *split_victim; /* the thread state of the holder the splitter is asking to let go */
static int gil_count;
static pthread_mutex_t register_mutex = PTHREAD_MUTEX_INITIALIZER;
static gs_site_reader site_reader;
static gs_interp_reader interp_reader;
static gs_drop_request_reader drop_request_reader;
static gs_gil_layout known_layout;
static int layout_known;

void gs_gil_set_site_reader(gs_site_reader reader) { site_reader = reader; }
void gs_gil_set_interp_reader(gs_interp_reader reader) { interp_reader = reader; }
void gs_gil_set_drop_request_reader(gs_drop_request_reader reader) { drop_request_reader = reader; }

static void *const *finalizing_slot;
static gs_gone_check gone_check;

void gs_gil_set_gone_check(void *const *finalizing, gs_gone_check check) {
    gone_check = check;
    finalizing_slot = finalizing;
}

/* While the runtime finalizes, a daemon thread leaving take_gil lets the GIL
 * go with gil->last_holder naming its freed state. */
static inline int holder_gone(const void *tstate) {
    return finalizing_slot && __atomic_load_n(finalizing_slot, __ATOMIC_RELAXED) && gone_check(tstate);
}

static inline const gs_gil *gil_by_mutex(const pthread_mutex_t *m) {
    int n = __atomic_load_n(&gil_count, __ATOMIC_ACQUIRE);
    for (int i = 0; i < n; i++)
        if (gils[i].mutex == m) return &gils[i];
    return NULL;
}

static inline int is_switch_mutex(const pthread_mutex_t *m) {
    int n = __atomic_load_n(&gil_count, __ATOMIC_ACQUIRE);
    for (int i = 0; i < n; i++)
        if (gils[i].switch_mutex == m) return 1;
    return 0;
}

static inline const gs_gil *gil_by_cond(const pthread_cond_t *c) {
    int n = __atomic_load_n(&gil_count, __ATOMIC_ACQUIRE);
    for (int i = 0; i < n; i++)
        if (gils[i].cond == c) return &gils[i];
    return NULL;
}

static void write_register(gs_thread *t, const gs_gil *g);

/* A GIL discovered in use is registered before anyone holds it, with
 * interpreter id 0; its first taker knows its interpreter, and says so. */
static void name_interpreter(gs_thread *t, const gs_gil *g, void *tstate) {
    uint32_t id = interp_reader(tstate);
    if (id == 0) return;
    gils[g->index].interpreter_id = id;
    gils[g->index].interpreter_known = 1;
    write_register(t, g);
}

static void write_register(gs_thread *t, const gs_gil *g) {
    gs_slot *s = gs_stage(t);
    if (!s) return;
    uint64_t *payload = (uint64_t *)(s + 1);
    payload[0] = (uint64_t)(uintptr_t)g->base;
    payload[1] = 0;
    gs_publish(t, s, GS_GIL_REGISTER, 1, g->index, g->interpreter_id, gs_ticks());
}

void gs_gil_new_file(void) {
    gs_thread *t = gs_thread_current();
    if (!t) return;
    pthread_mutex_lock(&register_mutex);
    for (int i = 0; i < gil_count; i++) write_register(t, &gils[i]);
    pthread_mutex_unlock(&register_mutex);
}

void gs_gil_after_fork_child(void) {
    pthread_mutex_t fresh = PTHREAD_MUTEX_INITIALIZER;
    register_mutex = fresh;
    split_victim = NULL; /* the splitter that was asking is the parent's */
}

const gs_gil *gs_gil_register(void *base, const gs_gil_layout *layout, uint32_t interpreter_id) {
    pthread_mutex_lock(&register_mutex);
    const gs_gil *found = NULL;
    for (int i = 0; i < gil_count; i++)
        if (gils[i].base == base) found = &gils[i];
    if (!found && gil_count < MAX_GILS) {
        gs_gil *g = &gils[gil_count];
        char *b = base;
        g->base = b;
        g->mutex = (pthread_mutex_t *)(b + layout->mutex);
        g->cond = (pthread_cond_t *)(b + layout->cond);
        g->switch_mutex = (pthread_mutex_t *)(b + layout->switch_mutex);
        g->locked = (const int *)(b + layout->locked);
        g->last_holder = (void *const *)(b + layout->last_holder);
        g->interpreter_id = interpreter_id;
        g->interpreter_known = interpreter_id != 0 || gil_count == 0;
        g->index = (uint8_t)gil_count;
        __atomic_store_n(&gil_count, gil_count + 1, __ATOMIC_RELEASE);
        if (!layout_known) {
            known_layout = *layout;
            layout_known = 1;
        }
        found = g;
        gs_thread *t = gs_thread_current();
        if (t) write_register(t, g);
    }
    pthread_mutex_unlock(&register_mutex);
    return found;
}

/* A release the hold splitter asked for (holdsplit.c) is kept back: taken
 * straight back, with no recorded thread holding the GIL meanwhile, the hold
 * simply went on, and it is written as GIL_HOLD_SITE naming the line the
 * thread stood on. If the thread did something without the GIL before it
 * asked again (handover.c: it blocked, or ran native code; it went to I/O
 * just then), it was a real release and is written as one. */

static void split_flush(gs_thread *t) {
    gs_put(t, GS_GIL_RELEASE, t->split_gil, 0, t->split_release);
    if (t->split_handoff) gs_put(t, GS_GIL_HANDOFF, t->split_gil, 0, t->split_handoff);
    t->split_release = 0;
}

static void note_take(gs_thread *t, const gs_gil *g) {
    t->held = g;
    __atomic_store_n(&gil_takes[g->index], gil_takes[g->index] + 1, __ATOMIC_RELAXED);
}

/* `now` is taken before the real unlock: once the mutex is free the OS may
 * run the next holder and leave this thread waiting for a whole tick. */
static void acquired(gs_thread *t, const gs_gil *g, uint64_t now) {
    int hold_goes_on = 0;
    if (t->split_release) {
        hold_goes_on = t->split_gil == g->index && __atomic_load_n(&gil_takes[g->index], __ATOMIC_RELAXED) == t->split_takes;
        if (hold_goes_on) t->split_release = 0;
        else split_flush(t); /* before any record stamped later */
    }
    uint32_t site = 0;
    void *tstate = __atomic_load_n(g->last_holder, __ATOMIC_RELAXED);
    if (tstate && holder_gone(tstate)) tstate = NULL;
    if (!g->interpreter_known && interp_reader && tstate) name_interpreter(t, g, tstate);
    if (site_reader && tstate) site = site_reader(t, tstate);
    if (hold_goes_on) {
        gs_put(t, GS_GIL_HOLD_SITE, g->index, site, now);
        note_take(t, g);
        return;
    }
    /* taken straight back with no one else taking it meanwhile: a quiet pair */
    if (!t->waited && gs_quiet_gil_retake(t, g->index, now, __atomic_load_n(&gil_takes[g->index], __ATOMIC_RELAXED), site, 0)) {
        t->resume_ticks = now;
        note_take(t, g);
        return;
    }
    if (t->waited) {
        gs_put(t, GS_GIL_WAIT, g->index, 0, t->ask_ticks);
        gs_put(t, GS_GIL_ACQUIRE, g->index, site, now);
    } else {
        gs_put(t, GS_GIL_ACQUIRE, (uint16_t)(g->index | GS_ACQUIRE_NO_WAIT), site, now);
    }
    t->resume_ticks = t->waited ? t->ask_ticks : now;
    note_take(t, g);
}

int gs_gil_hold_state(unsigned index, uint32_t *takes) {
    if (index >= (unsigned)__atomic_load_n(&gil_count, __ATOMIC_ACQUIRE)) return 0;
    *takes = __atomic_load_n(&gil_takes[index], __ATOMIC_RELAXED);
    return __atomic_load_n(gils[index].locked, __ATOMIC_RELAXED) != 0;
}

int gs_gil_split_begin(unsigned index, uint32_t takes) {
    if (index >= (unsigned)__atomic_load_n(&gil_count, __ATOMIC_ACQUIRE)) return 0;
    if (__atomic_load_n(&gil_takes[index], __ATOMIC_RELAXED) != takes) return 0;
    __atomic_store_n(&split_victim, gs_gil_holder(index), __ATOMIC_RELEASE);
    return 1;
}

void gs_gil_split_end(void) { __atomic_store_n(&split_victim, NULL, __ATOMIC_RELEASE); }

void *gs_gil_holder(unsigned index) {
    if (index >= (unsigned)__atomic_load_n(&gil_count, __ATOMIC_ACQUIRE)) return NULL;
    return __atomic_load_n(gils[index].last_holder, __ATOMIC_RELAXED);
}

void gs_gil_hold_site(void *tstate) {
    gs_thread *t = gs_tls_thread;
    if (!gs_recording || !t || !t->slot || !t->held || !tstate) return;
    uint32_t site = site_reader ? site_reader(t, tstate) : 0;
    gs_put(t, GS_GIL_HOLD_SITE, t->held->index, site, gs_ticks());
}

void gs_gil_note_held(const gs_gil *g) {
    gs_thread *t = gs_thread_current();
    if (!t || !g) return;
    t->waited = 0;
    acquired(t, g, gs_ticks());
}

/* A GIL not registered yet (a sub-interpreter's own, 3.12+) shows itself in
 * take_gil: the thread locks a mutex, then, holding it, the mutex at the
 * switch_mutex offset of the same struct. No other code in the interpreter
 * does that; it is registered on the spot and this take is recorded. */
static void discover(pthread_mutex_t *m) {
    gs_thread *t = gs_tls_thread;
    if (!t || !t->slot || !layout_known) return;
    const char *held = t->unknown_mutex;
    if (held && held - known_layout.mutex == (const char *)m - known_layout.switch_mutex) {
        int saved = errno;
        const gs_gil *g = gs_gil_register((char *)held - known_layout.mutex, &known_layout, 0);
        errno = saved;
        if (g) {
            t->phase = PHASE_TAKING;
            t->taking = g;
            t->waited = 0;
        }
        t->unknown_mutex = NULL;
        return;
    }
    t->unknown_mutex = m;
}

static int hook_mutex_lock(pthread_mutex_t *m) {
    if (gs_recording) {
        const gs_gil *g = gil_by_mutex(m);
        if (g) {
            int saved = errno;
            gs_thread *t = gs_thread_current();
            errno = saved;
            if (t && t->held == g) {
                t->phase = PHASE_DROPPING;
                /* a lock acquire that lets the GIL go is about to block on the lock */
                if (t->pending_lock_id && !t->lock_blocked) t->lock_blocked = 1;
            } else if (t) {
                /* after a release on request: hand-over all along, or did it do something? */
                int handover = gs_gap_end_was_handover(t);
                if (t->split_release && handover == 0) split_flush(t);
                t->just_released = 0;
                t->phase = PHASE_ASKING;
                t->taking = g;
                t->waited = 0;
                if (handover == 1) {
                    /* forced off and straight back: waiting since the hand-over ended. A
                     * split's release too: should another thread have taken the GIL
                     * meanwhile, the release is written (acquired: split_flush) and this
                     * is its wait; if none did, the hold simply went on. */
                    t->ask_ticks = t->gap_ticks;
                    t->waited = 1;
                } else if (t->pending_lock_id && __atomic_load_n(&t->handoff_park, __ATOMIC_ACQUIRE)) {
                    /* a Lock handed over to this thread (wakes.c): from then on it only
                     * wants the GIL back, however long the OS takes to run it */
                    t->ask_ticks = t->handoff_ticks;
                    t->waited = 1;
                }
                /* Uncontended: no clock read here, the acquire's time is enough.
                 * Blocked on the mutex itself: the wait for the GIL starts now. */
                if (pthread_mutex_trylock(m) == 0) return 0;
                if (!t->waited) t->ask_ticks = gs_ticks();
                t->waited = 1;
            }
        } else if (is_switch_mutex(m)) {
            gs_thread *t = gs_tls_thread;
            if (t && t->phase == PHASE_ASKING) t->phase = PHASE_TAKING;
            else if (t && t->phase == PHASE_IDLE && t->just_released) t->phase = PHASE_HANDOFF;
        } else {
            discover(m);
        }
    }
    return pthread_mutex_lock(m);
}

static int handoff_unlock(pthread_mutex_t *m) {
    gs_thread *t = gs_tls_thread;
    if (!t || t->phase != PHASE_HANDOFF || !is_switch_mutex(m)) return pthread_mutex_unlock(m);
    uint64_t now = gs_ticks();
    t->phase = PHASE_IDLE;
    t->just_released = 0;
    int rc = pthread_mutex_unlock(m);
    int saved = errno;
    if (t->split_release) t->split_handoff = now;
    else gs_put(t, GS_GIL_HANDOFF, 0, 0, now);
    gs_gap_begin(t, now);
    errno = saved;
    return rc;
}

static int hook_mutex_unlock(pthread_mutex_t *m) {
    const gs_gil *g = gs_recording ? gil_by_mutex(m) : NULL;
    if (!g) return gs_recording ? handoff_unlock(m) : pthread_mutex_unlock(m);
    gs_thread *t = gs_tls_thread;
    if (!t || !t->slot) return pthread_mutex_unlock(m);
    int acquiring = t->phase == PHASE_TAKING && t->taking == g;
    int releasing = t->phase == PHASE_DROPPING && __atomic_load_n(g->locked, __ATOMIC_RELAXED) == 0;
    uint64_t now = acquiring || releasing ? gs_ticks() : 0;
    if (acquiring || releasing) __atomic_store_n(&t->in_hook, 1, __ATOMIC_RELAXED);
    /* read before the real unlock: the splitter may take the GIL, give it back and
     * stop asking before this thread runs again */
    int split = releasing && t->lock_blocked != 1 &&
                __atomic_load_n(&split_victim, __ATOMIC_ACQUIRE) == __atomic_load_n(g->last_holder, __ATOMIC_RELAXED);
    /* and the take count this hold ends with: the next holder may count its take first */
    uint32_t takes = releasing ? __atomic_load_n(&gil_takes[g->index], __ATOMIC_RELAXED) : 0;
    /* a release on request (a forced switch): the thread asks again at once unless it
     * has something to do without the GIL (handover.c); read before the next holder
     * resets the request */
    void *holder = releasing && !split && drop_request_reader ? __atomic_load_n(g->last_holder, __ATOMIC_RELAXED) : NULL;
    int on_request = holder && !holder_gone(holder) && drop_request_reader(holder);
    t->phase = PHASE_IDLE;
    int rc = pthread_mutex_unlock(m);
    int saved = errno;
    if (acquiring) {
        acquired(t, g, now);
    } else if (split) {
        t->split_release = now;
        gs_gap_begin(t, now);
        t->split_handoff = 0;
        t->split_takes = takes;
        t->split_gil = g->index;
        t->held = NULL;
        t->just_released = 1;
    } else if (releasing) {
        /* a release on request is contention's; any other may turn out quiet (quiet.c) */
        if (on_request) gs_put(t, GS_GIL_RELEASE, g->index, 0, now);
        else gs_quiet_gil_release(t, g->index, now, takes);
        t->held = NULL;
        t->just_released = 1;
        if (on_request) gs_gap_begin(t, now);
        if (t->lock_blocked == 1) {
            gs_put4(t, GS_LOCK_WAIT, 0, t->pending_lock_id, now, t->pending_site, t->pending_holder_slot,
                    t->pending_holder_site, 0);
            t->lock_blocked = 2;
        }
    }
    if (acquiring || releasing) __atomic_store_n(&t->in_hook, 0, __ATOMIC_RELEASE);
    errno = saved;
    return rc;
}

static int hook_cond_timedwait(pthread_cond_t *c, pthread_mutex_t *m, const struct timespec *abstime) {
    if (gs_recording && gil_by_cond(c)) {
        gs_thread *t = gs_tls_thread;
        if (t && t->phase == PHASE_ASKING && !t->waited) {
            t->ask_ticks = gs_ticks();
            t->waited = 1;
        }
    }
    return pthread_cond_timedwait(c, m, abstime);
}

/* The GIL's three calls, for hooks.c to install in libpython's GOT. */
int gs_gil_patches(gs_got_patch *out) {
    out[0] = (gs_got_patch){"pthread_mutex_lock", (void *)hook_mutex_lock, 0};
    out[1] = (gs_got_patch){"pthread_mutex_unlock", (void *)hook_mutex_unlock, 0};
    out[2] = (gs_got_patch){"pthread_cond_timedwait", (void *)hook_cond_timedwait, 0};
    return 3;
}
