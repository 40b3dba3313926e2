/* CPython 3.13: tstate->current_frame; f_executable is a PyObject (a code
 * object, or None for the interpreter's own entry frames); instr_ptr. The
 * GIL: interp->ceval.gil. Pending calls reach any thread. */
#include "../cpython.h"
#include "../saferead.h"

#if PY_VERSION_HEX >= 0x030D0000 && PY_VERSION_HEX < 0x030E0000

#include <stddef.h>
#include <string.h>

#include "internal/pycore_ceval.h"
#include "internal/pycore_semaphore.h"
#include "internal/pycore_frame.h"
#include "internal/pycore_gil.h"
#include "internal/pycore_interp.h"
#include "internal/pycore_runtime.h"

static _PyInterpreterFrame *complete(_PyInterpreterFrame *f) {
    /* the code check first: _PyFrame_IsIncomplete reads the code object */
    while (f && (!f->f_executable || !PyCode_Check(f->f_executable) || _PyFrame_IsIncomplete(f))) f = f->previous;
    return f;
}

static int fill(gs_frame *out, _PyInterpreterFrame *f) {
    memset(out, 0, sizeof *out);
    if (!f) return 0;
    PyCodeObject *code = _PyFrame_GetCode(f);
    out->frame = f;
    out->code = code;
    out->offset = _PyInterpreterFrame_LASTI(f) * (int)sizeof(_Py_CODEUNIT);
    if (out->offset < 0) out->offset = 0;
    out->first_local = code->co_argcount > 0 ? f->localsplus[0] : NULL;
    return 1;
}

int gs_frame_innermost(void *tstate, gs_frame *out) {
    return fill(out, tstate ? complete(((PyThreadState *)tstate)->current_frame) : NULL);
}

int gs_frame_outer(gs_frame *f) {
    return fill(f, f->frame ? complete(((_PyInterpreterFrame *)f->frame)->previous) : NULL);
}

PyObject *gs_code_name(PyCodeObject *code) { return code->co_qualname; }

int gs_str_readable(PyObject *s) {
    (void)s;
    return 1;
}

void *gs_interp_gil(void) { return PyThreadState_Get()->interp->ceval.gil; }

PyThreadState *gs_tstate_unchecked(void) { return PyThreadState_GetUnchecked(); }

int gs_pending_call_for_holder(PyInterpreterState *interp, int (*fn)(void *), int holder_is_main) {
    (void)holder_is_main;
    return _PyEval_AddPendingCall(interp, fn, NULL, 0) == 0;
}

int gs_pending_calls_reach_any_thread(void) { return 1; }

int gs_parks_in_parking_lot(void) { return 1; }

/* Lock is `{ PyObject_HEAD; PyMutex lock; }` (Modules/_threadmodule.c);
 * RLock is still a PyThread_type_lock (a sem_t) in 3.13. */
const void *gs_lock_park_address(PyObject *lock, int rlock) {
    return rlock ? NULL : (const char *)lock + sizeof(PyObject);
}

int gs_gil_drop_requested(void *tstate) {
    return (__atomic_load_n(&((PyThreadState *)tstate)->eval_breaker, __ATOMIC_RELAXED) & _PY_GIL_DROP_REQUEST_BIT) != 0;
}

#ifdef Py_GIL_DISABLED
/* Critical sections lock `ob_mutex` in the object's header; a thread
 * suspended by a pause parks on its own `state`; the requester of a pause
 * waits on the `stop_event` of its interpreter's or the runtime's
 * `_stoptheworld_state` (Include/internal/pycore_interp.h, pycore_runtime.h). */
const void *gs_object_of_mutex(const void *mutex) { return (const char *)mutex - offsetof(PyObject, ob_mutex); }
const void *gs_tstate_park_address(void *tstate) { return tstate ? &((PyThreadState *)tstate)->state : NULL; }
const void *gs_stop_event_of_interp(void *tstate) {
    return tstate ? &((PyThreadState *)tstate)->interp->stoptheworld.stop_event : NULL;
}
const void *gs_stop_event_of_runtime(void) { return &_PyRuntime.stoptheworld.stop_event; }
#else
/* No free-threaded build in this family. */
const void *gs_object_of_mutex(const void *mutex) {
    (void)mutex;
    return NULL;
}
const void *gs_tstate_park_address(void *tstate) {
    (void)tstate;
    return NULL;
}
const void *gs_stop_event_of_interp(void *tstate) {
    (void)tstate;
    return NULL;
}
const void *gs_stop_event_of_runtime(void) { return NULL; }
#endif

/* A parking-lot wait entry is `{ void *park_arg; uintptr_t addr; _PySemaphore
 * sema; struct llist_node node; ... }` (Python/parking_lot.c, 3.13 to 3.15),
 * and a parked entry's node is linked into its bucket's list. A bucket lock's
 * waiter (`{ next; sema; }`) has no such node after its semaphore. */
const void *gs_parked_address(const void *sem) {
    const char *s = sem;
    const void *addr = NULL;
    const void *const *node = (const void *const *)(s + sizeof(_PySemaphore));
    const void *next = NULL, *next_prev = NULL;
    if (gs_safe_read(&addr, s - sizeof(void *), sizeof addr) != 0 || !addr) return NULL;
    if (gs_safe_read(&next, node, sizeof next) != 0 || !next) return NULL;
    if (gs_safe_read(&next_prev, (const char *)next + sizeof(void *), sizeof next_prev) != 0) return NULL;
    return next_prev == (const void *)node ? addr : NULL;
}

int gs_thread_state_at_attach(void *tstate, uint32_t *tid) {
    (void)tstate;
    *tid = 0;
    return 0; /* attaching needs 3.14 (PEP 768) */
}

#endif
