/* CPython 3.11 and 3.12: _PyInterpreterFrames on the thread's data stack,
 * reached through tstate->cframe->current_frame; f_code and prev_instr; frames
 * owned by the C stack (3.12's entry frames) and incomplete ones are skipped.
 * The GIL: _PyRuntime.ceval.gil (3.11), interp->ceval.gil (3.12, per
 * interpreter). From 3.12 any thread of the interpreter runs pending calls. */
#include "../cpython.h"

#if PY_VERSION_HEX >= 0x030B0000 && PY_VERSION_HEX < 0x030D0000

#include <string.h>

#if PY_VERSION_HEX >= 0x030C0000
#include "internal/pycore_ceval.h"
#include "internal/pycore_interp.h"
#endif
#include "internal/pycore_frame.h"
#include "internal/pycore_gil.h"
#include "internal/pycore_runtime.h"

static _PyInterpreterFrame *complete(_PyInterpreterFrame *f) {
#if PY_VERSION_HEX >= 0x030C0000
    while (f && (f->owner == FRAME_OWNED_BY_CSTACK || _PyFrame_IsIncomplete(f))) f = f->previous;
#else
    while (f && _PyFrame_IsIncomplete(f)) f = f->previous;
#endif
    return f;
}

static int fill(gs_frame *out, _PyInterpreterFrame *f) {
    memset(out, 0, sizeof *out);
    if (!f) return 0;
    PyCodeObject *code = f->f_code;
    out->frame = f;
    out->code = code;
    out->offset = (int)((f->prev_instr - _PyCode_CODE(code)) * (Py_ssize_t)sizeof(_Py_CODEUNIT));
    if (out->offset < 0) out->offset = 0;
    out->first_local = code->co_argcount > 0 ? f->localsplus[0] : NULL;
    return 1;
}

int gs_frame_innermost(void *tstate, gs_frame *out) {
    PyThreadState *ts = tstate;
    return fill(out, ts && ts->cframe ? complete(ts->cframe->current_frame) : NULL);
}

int gs_frame_outer(gs_frame *f) {
    return fill(f, f->frame ? complete(((_PyInterpreterFrame *)f->frame)->previous) : NULL);
}

PyObject *gs_code_name(PyCodeObject *code) { return code->co_qualname; }

int gs_str_readable(PyObject *s) {
#if PY_VERSION_HEX < 0x030C0000
    return PyUnicode_IS_READY(s);
#else
    (void)s;
    return 1;
#endif
}

void *gs_interp_gil(void) {
#if PY_VERSION_HEX >= 0x030C0000
    return PyThreadState_Get()->interp->ceval.gil;
#else
    return &_PyRuntime.ceval.gil;
#endif
}

PyThreadState *gs_tstate_unchecked(void) { return _PyThreadState_UncheckedGet(); }

int gs_pending_call_for_holder(PyInterpreterState *interp, int (*fn)(void *), int holder_is_main) {
#if PY_VERSION_HEX >= 0x030C0000
    (void)holder_is_main;
    return _PyEval_AddPendingCall(interp, fn, NULL, 0) == 0;
#else
    if (!holder_is_main) return 0;
    if (Py_AddPendingCall(fn, NULL) != 0) return 0;
    /* a call added by another thread does not set the eval breaker in 3.11 */
    _Py_atomic_store_relaxed(&interp->ceval.eval_breaker, 1);
    return 1;
#endif
}

int gs_pending_calls_reach_any_thread(void) { return PY_VERSION_HEX >= 0x030C0000; }

int gs_parks_in_parking_lot(void) { return 0; }

const void *gs_lock_park_address(PyObject *lock, int rlock) {
    (void)lock;
    (void)rlock;
    return NULL;
}

int gs_gil_drop_requested(void *tstate) {
    return _Py_atomic_load_relaxed(&((PyThreadState *)tstate)->interp->ceval.gil_drop_request) != 0;
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
