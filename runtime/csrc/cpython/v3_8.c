/* CPython 3.8 to 3.10: frames are PyFrameObjects linked by f_back from
 * tstate->frame; f_lasti counts bytes before 3.10 and code units from 3.10;
 * the one GIL is _PyRuntime.ceval.gil; only the main thread runs pending calls. */
#include "../cpython.h"

#if PY_VERSION_HEX < 0x030B0000

#include <frameobject.h>
#include <string.h>

#if PY_VERSION_HEX >= 0x03090000
#include "internal/pycore_interp.h"
#include "internal/pycore_runtime.h"
#else
#include "internal/pycore_pystate.h"
#endif
#include "internal/pycore_gil.h"

static int fill(gs_frame *out, PyFrameObject *f) {
    memset(out, 0, sizeof *out);
    if (!f || !f->f_code) return 0;
    out->frame = f;
    out->code = f->f_code;
#if PY_VERSION_HEX >= 0x030A0000
    out->offset = f->f_lasti < 0 ? 0 : f->f_lasti * (int)sizeof(_Py_CODEUNIT);
#else
    out->offset = f->f_lasti < 0 ? 0 : f->f_lasti;
#endif
    out->first_local = f->f_code->co_argcount > 0 ? f->f_localsplus[0] : NULL;
    return 1;
}

int gs_frame_innermost(void *tstate, gs_frame *out) {
    return fill(out, tstate ? ((PyThreadState *)tstate)->frame : NULL);
}

int gs_frame_outer(gs_frame *f) { return fill(f, f->frame ? ((PyFrameObject *)f->frame)->f_back : NULL); }

PyObject *gs_code_name(PyCodeObject *code) { return code->co_name; }

int gs_str_readable(PyObject *s) { return PyUnicode_IS_READY(s); }

void *gs_interp_gil(void) { return &_PyRuntime.ceval.gil; }

PyThreadState *gs_tstate_unchecked(void) { return _PyThreadState_UncheckedGet(); }

int gs_pending_call_for_holder(PyInterpreterState *interp, int (*fn)(void *), int holder_is_main) {
    if (!holder_is_main) return 0;
    if (Py_AddPendingCall(fn, NULL) != 0) return 0;
#if PY_VERSION_HEX >= 0x03090000
    /* From 3.9 a call added by a thread other than the main one does not set
     * the eval breaker (it is computed for the calling thread): set it, as the
     * main thread's own computation would. */
    _Py_atomic_store_relaxed(&interp->ceval.eval_breaker, 1);
#else
    (void)interp;
#endif
    return 1;
}

int gs_pending_calls_reach_any_thread(void) { return 0; }

int gs_parks_in_parking_lot(void) { return 0; }

const void *gs_lock_park_address(PyObject *lock, int rlock) {
    (void)lock;
    (void)rlock;
    return NULL;
}

int gs_gil_drop_requested(void *tstate) {
#if PY_VERSION_HEX >= 0x03090000
    return _Py_atomic_load_relaxed(&((PyThreadState *)tstate)->interp->ceval.gil_drop_request) != 0;
#else
    (void)tstate;
    return _Py_atomic_load_relaxed(&_PyRuntime.ceval.gil_drop_request) != 0;
#endif
}

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

const void *gs_parked_address(const void *sem) {
    (void)sem;
    return NULL;
}

int gs_thread_state_at_attach(void *tstate, uint32_t *tid) {
    (void)tstate;
    *tid = 0;
    return 0; /* attaching needs 3.14 (PEP 768) */
}

#endif
