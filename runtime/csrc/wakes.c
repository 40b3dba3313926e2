/* Who woke whom. From 3.13 every blocking wait in CPython (a PyMutex: Lock,
 * RLock from 3.14; an Event; a join...) sleeps in the parking lot
 * (Python/parking_lot.c): the waiter sleeps on a semaphore of its own, in an
 * entry on its stack that holds, just before the semaphore, the address it
 * parks on (`sem - 8`); the thread that wakes it calls sem_post on that
 * semaphore. Both calls go through libpython's GOT.
 *
 * What is recorded from it: when a thread lets a Lock go and hands it over
 * to a waiter (PyMutex's fair hand-off, once a waiter has waited 1 ms, leaves
 * the mutex locked for the waiter it wakes), the lock is the waiter's from
 * that moment, though the waiter may be runnable and not running for a while
 * (no free core): the waiter's hold starts at the release (locks.c). */
#include "cpython.h" /* Python.h before any system header (it sets the feature macros) */
#include "wakes.h"

#include <errno.h>
#include <sched.h>
#include <semaphore.h>
#include <stdint.h>
#include <time.h>

#include "parks.h"
#include "recorder.h"

static int parking_lot;
static int spins_counted;

void gs_wakes_configure(int enabled, int free_threaded) {
    parking_lot = enabled;
    spins_counted = free_threaded;
}

/* The threads asleep on a semaphore now. Few at a time (at most one per
 * thread), touched only by threads that block or wake a blocked one. */
#define MAX_SLEEPERS 1024
static struct {
    const sem_t *sem;
    gs_thread *thread;
} sleepers[MAX_SLEEPERS];
static int sleeper_count;
static int spin;

static void lock_sleepers(void) {
    while (__atomic_exchange_n(&spin, 1, __ATOMIC_ACQUIRE))
        while (__atomic_load_n(&spin, __ATOMIC_RELAXED)) __builtin_ia32_pause();
}
static void unlock_sleepers(void) { __atomic_store_n(&spin, 0, __ATOMIC_RELEASE); }

void gs_wakes_after_fork_child(void) {
    sleeper_count = 0;
    spin = 0;
}

/* The calling thread is about to sleep on `sem`; its state, or NULL when it is not recorded. */
static gs_thread *going_to_sleep(const sem_t *sem) {
    gs_thread *t = gs_recording ? gs_tls_thread : NULL;
    if (!t || !t->slot) return NULL;
    lock_sleepers();
    if (sleeper_count < MAX_SLEEPERS) {
        sleepers[sleeper_count].sem = sem;
        sleepers[sleeper_count].thread = t;
        sleeper_count++;
    } else {
        t = NULL; /* not registered: its wake is not known, nothing else changes */
    }
    unlock_sleepers();
    /* what it parks on (free-threaded builds: parks.c names it and writes the wait) */
    if (t) {
        const void *addr = gs_parked_address(sem);
        if (addr) gs_park_begin(t, addr);
    }
    return t;
}

static void woke_up(gs_thread *t, const sem_t *sem, int rc) {
    if (!t) return;
    int saved = errno;
    gs_park_end(t, rc != 0 && saved == ETIMEDOUT);
    lock_sleepers();
    for (int i = 0; i < sleeper_count; i++) {
        if (sleepers[i].thread == t && sleepers[i].sem == sem) {
            sleepers[i] = sleepers[--sleeper_count];
            break;
        }
    }
    unlock_sleepers();
    errno = saved;
}

static gs_thread *sleeper_on(const sem_t *sem) {
    gs_thread *found = NULL;
    lock_sleepers();
    for (int i = 0; i < sleeper_count; i++) {
        if (sleepers[i].sem == sem) {
            found = sleepers[i].thread;
            break;
        }
    }
    unlock_sleepers();
    return found;
}

static int hook_sem_wait(sem_t *sem) {
    gs_thread *t = going_to_sleep(sem);
    int rc = sem_wait(sem);
    woke_up(t, sem, rc);
    return rc;
}

static int hook_sem_timedwait(sem_t *sem, const struct timespec *abstime) {
    gs_thread *t = going_to_sleep(sem);
    int rc = sem_timedwait(sem, abstime);
    woke_up(t, sem, rc);
    return rc;
}

static int hook_sem_clockwait(sem_t *sem, clockid_t clock, const struct timespec *abstime) {
    gs_thread *t = going_to_sleep(sem);
    int rc = sem_clockwait(sem, clock, abstime);
    woke_up(t, sem, rc);
    return rc;
}

/* A post made while the poster lets a Lock go (locks.c says which, in
 * releasing_park) to a thread parked on that lock: if the lock is still
 * locked, it was handed over to that thread at the release. */
static int hook_sem_post(sem_t *sem) {
    gs_thread *poster = gs_recording ? gs_tls_thread : NULL;
    if (poster && !gs_thread_finished(poster)) {
        const void *park = poster->releasing_park;
        gs_thread *waiter = sleeper_on(sem);
        if (waiter && park && *(const void *const *)((const char *)sem - sizeof(void *)) == park &&
            (__atomic_load_n((const uint8_t *)park, __ATOMIC_ACQUIRE) & 1)) {
            __atomic_store_n(&waiter->handoff_ticks, poster->releasing_ticks, __ATOMIC_RELAXED);
            __atomic_store_n(&waiter->handoff_park, park, __ATOMIC_RELEASE);
        }
        if (waiter) gs_park_woken(poster, waiter);
    }
    return sem_post(sem);
}

/* A free-threaded build spins on sched_yield before it parks: contention that
 * ends while spinning is counted (parks.c). */
static int hook_sched_yield(void) {
    gs_park_spin(gs_recording ? gs_tls_thread : NULL);
    return sched_yield();
}

int gs_wakes_patches(gs_got_patch *out) {
    if (!parking_lot) return 0;
    out[0] = (gs_got_patch){"sem_wait", (void *)hook_sem_wait, 0};
    out[1] = (gs_got_patch){"sem_timedwait", (void *)hook_sem_timedwait, 0};
    out[2] = (gs_got_patch){"sem_clockwait", (void *)hook_sem_clockwait, 0};
    out[3] = (gs_got_patch){"sem_post", (void *)hook_sem_post, 0};
    if (!spins_counted) return 4;
    out[4] = (gs_got_patch){"sched_yield", (void *)hook_sched_yield, 0};
    return 5;
}
