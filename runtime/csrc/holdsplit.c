/* A thread that keeps the GIL with nobody else asking for it (one thread in a
 * loop, an embedding host's worker) has no GIL transitions for as long as it
 * runs, and its records name a line only when it next lets the GIL go: the
 * whole stretch would go to that one line. So a helper thread of the probe
 * watches the main interpreter's GIL, and when one hold has lasted a period
 * (10 ms by default) it has the holder say where it stands, one of two ways:
 *
 *   - a pending call (Py_AddPendingCall; from 3.12 one that any thread of the
 *     interpreter runs): the holder runs it at its next eval-breaker check,
 *     without letting the GIL go, and writes GIL_HOLD_SITE with its line.
 *     Before 3.12 only the main thread runs pending calls, so this serves a
 *     main thread that holds;
 *   - otherwise (another thread holds, before 3.12) the helper asks for the
 *     GIL as any waiting thread does: after the switch interval the holder
 *     drops it at its next eval-breaker check, the helper gives it straight
 *     back, and the holder's hooks write GIL_HOLD_SITE instead of the release
 *     and re-acquire (gilhooks.c). This costs a hand-over (tens of
 *     microseconds, more when the machine has no core free for the helper).
 *
 * The helper is invisible to the program (a plain pthread with its own thread
 * state, no threading.Thread, all signals blocked) and to the recording (it
 * has no recorder thread, so its takes write nothing). It runs no Python code. */
#define _GNU_SOURCE 1 /* as pyconfig.h defines it, where it does */
#include "holdsplit.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <time.h>

#include "cpython.h"
#include "gilhooks.h"
#include "ownthreads.h"
#include "recorder.h"

enum { SPLIT_OFF = 0, SPLIT_RUNNING, SPLIT_STOPPING };

static pthread_mutex_t split_mutex = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t split_cond;
static int split_state;
static int split_thread_done;
static uint64_t split_period_ns;
static PyInterpreterState *split_interp;
static void *main_tstate; /* of the thread that runs pending calls before 3.12 */
static int call_outstanding;         /* a pending call asked for and not run yet */
static int reaches_any_thread;       /* pending calls reach the holder whichever thread it is */

static void deadline_after(struct timespec *ts, uint64_t ns) {
    clock_gettime(CLOCK_MONOTONIC, ts);
    uint64_t total = (uint64_t)ts->tv_nsec + ns;
    ts->tv_sec += (time_t)(total / 1000000000ull);
    ts->tv_nsec = (long)(total % 1000000000ull);
}

static int say_where_you_stand(void *unused) {
    (void)unused;
    __atomic_store_n(&call_outstanding, 0, __ATOMIC_RELEASE);
    gs_gil_hold_site(PyThreadState_Get());
    return 0;
}

/* 1 when the holder (its thread state) will run the pending call (or one already asked for). */
static int ask_by_pending_call(const void *holder) {
    int is_main = holder == main_tstate;
    if (__atomic_load_n(&call_outstanding, __ATOMIC_ACQUIRE)) return reaches_any_thread || is_main;
    __atomic_store_n(&call_outstanding, 1, __ATOMIC_RELEASE);
    if (gs_pending_call_for_holder(split_interp, say_where_you_stand, is_main)) return 1;
    __atomic_store_n(&call_outstanding, 0, __ATOMIC_RELEASE); /* not for this holder, or the queue is full */
    return 0;
}

static void *split_main(void *unused) {
    (void)unused;
    gs_thread_unrecorded();
    PyThreadState *ts = PyThreadState_New(split_interp); /* made, not made current */
    uint32_t last_takes = 0;
    int last_held = 0;
    pthread_mutex_lock(&split_mutex);
    while (ts && split_state == SPLIT_RUNNING) {
        struct timespec wake;
        deadline_after(&wake, split_period_ns);
        int rc = 0;
        while (split_state == SPLIT_RUNNING && rc != ETIMEDOUT) rc = pthread_cond_timedwait(&split_cond, &split_mutex, &wake);
        if (split_state != SPLIT_RUNNING) break;
        uint32_t takes;
        int held = gs_gil_hold_state(0, &takes);
        if (held && last_held && takes == last_takes && !ask_by_pending_call(gs_gil_holder(0)) &&
            gs_gil_split_begin(0, takes)) {
            /* the same hold as a period ago, and no pending call reaches it:
             * ask for the GIL and give it back */
            pthread_mutex_unlock(&split_mutex);
            PyEval_RestoreThread(ts);
            PyEval_SaveThread();
            gs_gil_split_end();
            pthread_mutex_lock(&split_mutex);
            takes++; /* the holder's take back, if the hold goes on: due again a period from now */
        }
        last_held = held;
        last_takes = takes;
    }
    pthread_mutex_unlock(&split_mutex);
    if (ts) {
        PyEval_RestoreThread(ts);
        PyThreadState_Clear(ts);
        PyThreadState_DeleteCurrent();
    }
    pthread_mutex_lock(&split_mutex);
    split_thread_done = 1;
    pthread_cond_broadcast(&split_cond);
    pthread_mutex_unlock(&split_mutex);
    return NULL;
}

int gs_holdsplit_start(PyInterpreterState *interp, unsigned period_ms) {
    if (period_ms == 0 || split_state != SPLIT_OFF) return 0;
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&split_cond, &attr);
    pthread_condattr_destroy(&attr);
    split_interp = interp;
    split_period_ns = (uint64_t)period_ms * 1000000ull;
    main_tstate = PyThreadState_Get(); /* called from the main thread (boot, or a forked child's) */
    call_outstanding = 0;
    reaches_any_thread = gs_pending_calls_reach_any_thread();
    split_thread_done = 0;
    split_state = SPLIT_RUNNING;

    /* every signal stays with the program's own threads */
    sigset_t all, previous;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous);
    pthread_attr_t thread_attr;
    pthread_attr_init(&thread_attr);
    pthread_attr_setdetachstate(&thread_attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&thread_attr, 256 * 1024);
    pthread_t thread;
    int rc = gs_create_own_thread(&thread, &thread_attr, split_main, NULL, GS_OWN_THREAD_PREFIX "split");
    pthread_attr_destroy(&thread_attr);
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    if (rc != 0) {
        split_state = SPLIT_OFF;
        errno = rc;
        return -1;
    }
    return 0;
}

void gs_holdsplit_stop(void) {
    if (split_state != SPLIT_RUNNING) return;
    /* The helper may be waiting for the GIL this thread holds: let it go. A
     * program whose other thread keeps the GIL in C for a second at exit is
     * not waited for longer than that. */
    Py_BEGIN_ALLOW_THREADS
    pthread_mutex_lock(&split_mutex);
    split_state = SPLIT_STOPPING;
    pthread_cond_broadcast(&split_cond);
    struct timespec limit;
    deadline_after(&limit, 1000000000ull);
    int rc = 0;
    while (!split_thread_done && rc != ETIMEDOUT) rc = pthread_cond_timedwait(&split_cond, &split_mutex, &limit);
    pthread_mutex_unlock(&split_mutex);
    Py_END_ALLOW_THREADS
}

void gs_holdsplit_after_fork_child(void) {
    pthread_mutex_t fresh = PTHREAD_MUTEX_INITIALIZER;
    split_mutex = fresh;
    split_state = SPLIT_OFF;
    split_thread_done = 1;
    call_outstanding = 0;
}
