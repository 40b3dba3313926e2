/* A free-threaded build without a GIL detaches a thread around I/O, sleep and
 * native code as a GIL build lets its GIL go, but through no call that a GOT
 * entry reaches (shared/docs/free-threading.md, 3.2): the exported
 * PyEval_SaveThread / PyEval_ReleaseThread and PyEval_RestoreThread /
 * PyEval_AcquireThread are hooked at their entries (entrypatch.c). Detaching
 * is written as a GIL_RELEASE and attaching again as a GIL_ACQUIRE of GIL
 * index 255 (FORMAT.md, "Free-threaded builds"): the same records, summaries
 * and line attribution as a GIL build's, read as "running" and "detached".
 * While the interpreter's GIL is on (for a moment while a module is created,
 * or for good), its own records are written instead. */
#include "attachment.h"

#include "cpython.h"
#include "entrypatch.h"
#include "locks.h"
#include "pyframe.h"
#include "quiet.h"
#include "recorder.h"

static PyThreadState *(*save_original)(void);
static void (*restore_original)(PyThreadState *);
static void (*release_original)(PyThreadState *);
static void (*acquire_original)(PyThreadState *);
static volatile int writing;
static const int *gil_enabled; /* the GIL's `enabled` count: nonzero while it is on */

static int gil_on(void) { return gil_enabled && __atomic_load_n(gil_enabled, __ATOMIC_RELAXED) != 0; }

static void detaching(void) {
    if (!writing || !gs_recording || gil_on()) return;
    gs_thread *t = gs_thread_current();
    if (!t) return;
    uint64_t now = gs_ticks();
    /* an acquire that lets go of the thread to block (a C lock: a Lock parks in parks.c) */
    if (t->pending_lock_id && !t->lock_blocked) gs_locks_blocked(t);
    gs_quiet_gil_release(t, (uint8_t)GS_ATTACH_INDEX, now, 0);
}

static void attached(PyThreadState *ts) {
    if (!writing || !gs_recording || gil_on()) return;
    gs_thread *t = gs_thread_current();
    if (!t) return;
    uint64_t now = gs_ticks();
    if (t->pending_lock_id && t->lock_blocked && !t->lock_parked) t->resume_ticks = now;
    uint32_t site = ts ? gs_pyframe_site(t, ts) : 0;
    if (!gs_quiet_gil_retake(t, (uint8_t)GS_ATTACH_INDEX, now, 0, site, 0))
        gs_put(t, GS_GIL_ACQUIRE, (uint16_t)(GS_ATTACH_INDEX | GS_ACQUIRE_NO_WAIT), site, now);
}

static PyThreadState *save_hook(void) {
    detaching();
    return save_original();
}

static void release_hook(PyThreadState *ts) {
    detaching();
    release_original(ts);
}

static void restore_hook(PyThreadState *ts) {
    restore_original(ts);
    attached(ts);
}

static void acquire_hook(PyThreadState *ts) {
    acquire_original(ts);
    attached(ts);
}

int gs_attachment_install(void *gil) {
    void *targets[4] = {(void *)&PyEval_SaveThread, (void *)&PyEval_ReleaseThread, (void *)&PyEval_RestoreThread,
                        (void *)&PyEval_AcquireThread};
    for (int i = 0; i < 4; i++)
        if (!gs_entry_patchable(targets[i])) return -1; /* all four or none */
    long offset = gs_gil_enabled_offset();
    gil_enabled = offset >= 0 && gil ? (const int *)((const char *)gil + offset) : NULL;
    if (gs_entry_patch(targets[0], (void *)save_hook, (void **)&save_original) != 0) return -1;
    if (gs_entry_patch(targets[1], (void *)release_hook, (void **)&release_original) != 0 ||
        gs_entry_patch(targets[2], (void *)restore_hook, (void **)&restore_original) != 0 ||
        gs_entry_patch(targets[3], (void *)acquire_hook, (void **)&acquire_original) != 0) {
        /* cannot happen once all four decoded (only memory could run out): detaching alone
         * would show threads detached for good, so nothing is written */
        return -1;
    }
    writing = 1;
    return 0;
}

void gs_attachment_stop(void) { writing = 0; }
