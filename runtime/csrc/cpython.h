/* What differs between CPython versions, asked of one layer.
 *
 * The recorder (GIL hooks, lock wrappers, the hold splitter, the probe) never
 * names a CPython version: it asks this layer for "the frames of this thread",
 * "the name of this code", "the main GIL and its layout", "a pending call for
 * the holder". Each version family answers in its own file under cpython/,
 * compiled against the exact interpreter's headers (runtime/python/gilscope/
 * _build.py); every file is compiled and all but one are empty for a given
 * interpreter. A new CPython is a new file there, or no change at all. */
#ifndef GILSCOPE_CPYTHON_H
#define GILSCOPE_CPYTHON_H

#ifndef PY_SSIZE_T_CLEAN
#define PY_SSIZE_T_CLEAN
#endif
#ifndef Py_BUILD_CORE_MODULE
#define Py_BUILD_CORE_MODULE 1
#endif
#include <Python.h>

#include "gilhooks.h"

#if PY_VERSION_HEX < 0x03090000
#define PyObject_Vectorcall _PyObject_Vectorcall
#endif

/* One Python frame of a thread: its code, byte offset and first local (`self`
 * of a method). Valid while the thread holds the GIL and the frame runs. All
 * zero when there is no frame (a thread started in C, or before its first
 * Python call). */
typedef struct {
    void *frame;
    PyCodeObject *code;
    int offset;
    PyObject *first_local;
} gs_frame;

/* The innermost complete Python frame of a thread state (NULL: none); 1 if
 * found, else 0 with `out` zeroed. */
int gs_frame_innermost(void *tstate, gs_frame *out);

/* The next complete frame out from `f`; 0 (and `f` zeroed) at the bottom. */
int gs_frame_outer(gs_frame *f);

/* A code object's name as tracebacks show it: its qualified name where the
 * version keeps one (3.11+), else its name. Borrowed. */
PyObject *gs_code_name(PyCodeObject *code);

/* Whether a str's characters can be read as they are (before 3.12, a legacy
 * str may need PyUnicode_READY, which allocates: not done here). */
int gs_str_readable(PyObject *s);

/* _PyRuntime, for checks of where the GIL is. */
void *gs_runtime_state(void);

/* Whether `tstate` may have been freed: the runtime is finalizing and it is
 * not the finalizing thread's. The finalizer frees the other threads' states
 * (3.8 - 3.13); a daemon thread that then wakes in take_gil takes the GIL,
 * sees it must exit and lets it go, and gil->last_holder names its freed
 * state: nothing may be read through it (CPython's own take_gil reads only
 * _PyRuntime then). Cheap: one relaxed load while not finalizing. */
int gs_tstate_may_be_gone(const void *tstate);

/* Where the runtime keeps its finalizing thread state (NULL until it finalizes). */
void *const *gs_runtime_finalizing_slot(void);

/* The GIL of the calling thread's interpreter, and where its fields are. */
void *gs_interp_gil(void);
void gs_gil_layout_of_version(gs_gil_layout *out);

/* The running thread's state, or NULL; never fails, never allocates. */
PyThreadState *gs_tstate_unchecked(void);

/* Asks the GIL's holder in `interp` to run `fn` at its next eval-breaker
 * check, without letting the GIL go. `holder_is_main`: whether the holder is
 * the main thread (before 3.12 only the main thread runs pending calls).
 * 1 when the call will reach the holder, 0 when it cannot (or the queue is
 * full). */
int gs_pending_call_for_holder(PyInterpreterState *interp, int (*fn)(void *), int holder_is_main);

/* Whether pending calls reach whichever thread holds the GIL (3.12+). */
int gs_pending_calls_reach_any_thread(void);

/* Whether a GIL drop request is pending for the GIL of this thread state (a
 * release now is a forced switch: the thread wants the GIL back at once). */
int gs_gil_drop_requested(void *tstate);

/* Whether blocking waits sleep in the parking lot, each waiter on a
 * semaphore of its own (3.13+). */
int gs_parks_in_parking_lot(void);

/* The address waiters of a threading Lock (rlock: an RLock) park on: its
 * PyMutex. NULL where the lock is not a PyMutex (Lock before 3.13, RLock
 * before 3.14). */
const void *gs_lock_park_address(PyObject *lock, int rlock);

/* The address a thread sleeping on `sem` parks on, when `sem` is the
 * semaphore of a parking-lot wait entry (3.13+, Python/parking_lot.c: the
 * address just before the semaphore, the entry linked into its bucket just
 * after); NULL for any other semaphore sleep (a bucket's own lock, a
 * PyThread_type_lock). Reads only memory it checked. */
const void *gs_parked_address(const void *sem);

/* What a thread state says of its thread when recording begins in a running
 * process (gilscope attach): 1 it holds the GIL (free-threaded: runs,
 * attached), 2 it waits for it, 3 it runs without it (free-threaded:
 * detached), 0 not published by this version. Its Linux tid in *tid. */
int gs_thread_state_at_attach(void *tstate, uint32_t *tid);

/* Free-threaded builds (Py_GIL_DISABLED; NULL or 0 elsewhere): */

/* The object whose per-object mutex (taken by critical sections) is at
 * `mutex`, if that address can be one: not checked (parks.c checks). */
const void *gs_object_of_mutex(const void *mutex);

/* Where a thread suspended by a stop-the-world pause parks: its own state. */
const void *gs_tstate_park_address(void *tstate);

/* Where the thread that asked for a stop-the-world pause waits for the
 * others to stop: the event of its interpreter's and of the runtime's pauses. */
const void *gs_stop_event_of_interp(void *tstate);
const void *gs_stop_event_of_runtime(void);

/* The offset of `enabled` in the GIL struct, or -1 (a build with a GIL). */
long gs_gil_enabled_offset(void);

/* The offset of ob_type in an object, and of tp_flags and tp_name in a type. */
size_t gs_offset_ob_type(void);
size_t gs_offset_tp_flags(void);
size_t gs_offset_tp_name(void);

#endif
