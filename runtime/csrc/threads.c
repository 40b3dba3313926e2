/* The recorded threads of a process: each thread's state is created the first
 * time it touches the recorder (a THREAD_START record), reached through one
 * initial-exec TLS pointer, and ended by a TLS destructor (THREAD_END). The
 * live ones are listed so that a normal exit can wait for a thread caught
 * between letting the GIL go and writing that it did (gs_recorder_settle). */
#define _GNU_SOURCE
#include "recorder.h"

#include <pthread.h>
#include <sched.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "quiet.h"

__thread gs_thread *gs_tls_thread __attribute__((tls_model("initial-exec")));

static uint32_t next_thread_slot;
static pthread_key_t thread_key;
static pthread_once_t thread_key_once = PTHREAD_ONCE_INIT;
/* a thread whose TLS destructor already ran, or one never recorded: it records
 * nothing (its epoch is never a recording's) */
static gs_thread finished_thread = {.epoch = UINT32_MAX};

int gs_thread_finished(const gs_thread *t) { return t == &finished_thread; }

static pthread_mutex_t live_mutex = PTHREAD_MUTEX_INITIALIZER;
static gs_thread *live_head;

static void live_add(gs_thread *t) {
    pthread_mutex_lock(&live_mutex);
    t->live_prev = NULL;
    t->live_next = live_head;
    if (live_head) live_head->live_prev = t;
    live_head = t;
    pthread_mutex_unlock(&live_mutex);
}

static void live_remove(gs_thread *t) {
    pthread_mutex_lock(&live_mutex);
    if (t->live_prev) t->live_prev->live_next = t->live_next;
    else if (live_head == t) live_head = t->live_next;
    if (t->live_next) t->live_next->live_prev = t->live_prev;
    pthread_mutex_unlock(&live_mutex);
}

void gs_recorder_settle(void) {
    gs_thread *self = gs_tls_thread;
    if (self && self != &finished_thread && gs_recording && self->epoch == gs_epoch)
        gs_quiet_flush_all(self, gs_ticks()); /* the ending thread's summaries are its own to write */
    uint64_t deadline = gs_mono_ns() + 5000000u;
    for (;;) {
        int busy = 0;
        if (pthread_mutex_trylock(&live_mutex) == 0) {
            for (gs_thread *t = live_head; t; t = t->live_next)
                if (t != gs_tls_thread && __atomic_load_n(&t->in_hook, __ATOMIC_ACQUIRE)) busy = 1;
            pthread_mutex_unlock(&live_mutex);
        } else {
            busy = 1;
        }
        if (!busy || gs_mono_ns() > deadline) return;
        sched_yield();
    }
}

int gs_threads_each_live(void (*fn)(gs_thread *, void *), void *arg) {
    if (pthread_mutex_trylock(&live_mutex) != 0) return -1;
    for (gs_thread *t = live_head; t; t = t->live_next) fn(t, arg);
    pthread_mutex_unlock(&live_mutex);
    return 0;
}

static void on_thread_exit(void *arg) {
    gs_thread *t = arg;
    if (t && t != &finished_thread) live_remove(t);
    if (t && t != &finished_thread && gs_recording) {
        if (t->split_release) { /* its last release was never followed by a take */
            gs_put(t, GS_GIL_RELEASE, t->split_gil, 0, t->split_release);
            if (t->split_handoff) gs_put(t, GS_GIL_HANDOFF, t->split_gil, 0, t->split_handoff);
        }
        uint64_t now = gs_ticks();
        if (t->epoch == gs_epoch) gs_quiet_flush_all(t, now);
        gs_put(t, GS_THREAD_END, 0, 0, now);
    }
    gs_tls_thread = &finished_thread;
    if (t && t != &finished_thread) {
        gs_quiet_free(t);
        free(t);
    }
}

static void make_thread_key(void) { pthread_key_create(&thread_key, on_thread_exit); }

void gs_threads_init(void) {
    pthread_once(&thread_key_once, make_thread_key);
    next_thread_slot = 0;
}

static void start_thread(gs_thread *t, uint16_t flags) {
    live_add(t);
    t->epoch = gs_epoch;
    t->slot = __atomic_add_fetch(&next_thread_slot, 1, __ATOMIC_RELAXED);
    t->tid = (uint32_t)syscall(SYS_gettid);
    gs_put(t, GS_THREAD_START, flags, t->tid, gs_ticks());
}

static gs_thread *new_thread(uint16_t flags) {
    gs_thread *t = calloc(1, sizeof *t);
    if (!t) return NULL;
    gs_tls_thread = t;
    pthread_setspecific(thread_key, t);
    start_thread(t, flags);
    return t;
}

static uint16_t main_flag(void) { return getpid() == (pid_t)syscall(SYS_gettid) ? GS_THREAD_IS_MAIN : 0; }

/* A thread recorded by an earlier recording of this process (gilscope attach
 * stopped, then started again): a new thread of the new file, from scratch. */
static gs_thread *restart_thread(gs_thread *t, uint16_t flags) {
    live_remove(t);
    gs_quiet_free(t);
    gs_thread fresh = {0};
    *t = fresh;
    start_thread(t, flags);
    return t;
}

gs_thread *gs_thread_current(void) {
    gs_thread *t = gs_tls_thread;
    if (__builtin_expect(t != NULL, 1)) {
        if (__builtin_expect(t->epoch == gs_epoch, 1)) return t;
        if (t == &finished_thread || !gs_recording) return NULL;
        return restart_thread(t, main_flag());
    }
    if (!gs_recording) return NULL;
    return new_thread(main_flag());
}

gs_thread *gs_thread_ours(void) {
    gs_thread *t = gs_tls_thread;
    if (t == &finished_thread) return NULL;
    if (t && t->epoch == gs_epoch) return t;
    if (!gs_recording) return NULL;
    return t ? restart_thread(t, GS_THREAD_IS_OURS) : new_thread(GS_THREAD_IS_OURS);
}

void gs_thread_unrecorded(void) { gs_tls_thread = &finished_thread; }

void gs_threads_after_fork_child(void) {
    next_thread_slot = 0;
    /* the parent's other threads do not exist here (their states are left, unlinked) */
    pthread_mutex_t fresh_mutex = PTHREAD_MUTEX_INITIALIZER;
    live_mutex = fresh_mutex;
    live_head = NULL;
}

void gs_threads_restart_caller(void) {
    gs_thread *t = gs_tls_thread;
    if (t && t != &finished_thread) {
        gs_quiet_free(t);
        gs_thread fresh = {0};
        *t = fresh;
        live_add(t);
        t->epoch = gs_epoch;
        t->slot = __atomic_add_fetch(&next_thread_slot, 1, __ATOMIC_RELAXED);
        t->tid = (uint32_t)syscall(SYS_gettid);
        /* written with the child's first record: a child that execs first leaves nothing */
        t->start_flags = GS_THREAD_IS_MAIN;
        t->start_pending = gs_ticks();
    }
}
