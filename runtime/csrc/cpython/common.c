/* What every version shares, written once: the GIL struct's field offsets,
 * taken with offsetof from the interpreter's own pycore_gil.h, and where the
 * runtime state is. */
#include "../cpython.h"

#include <stddef.h>

#if PY_VERSION_HEX < 0x03090000
#include "internal/pycore_pystate.h"
#else
#include "internal/pycore_runtime.h"
#endif
#include "internal/pycore_gil.h"

void *gs_runtime_state(void) { return &_PyRuntime; }

void *const *gs_runtime_finalizing_slot(void) {
#if PY_VERSION_HEX < 0x03090000
    return (void *const *)&_PyRuntime.finalizing;
#else
    return (void *const *)&_PyRuntime._finalizing; /* an _Py_atomic_address (its one field) before 3.13 */
#endif
}

int gs_tstate_may_be_gone(const void *tstate) {
#if PY_VERSION_HEX < 0x03090000
    const void *finalizing = __atomic_load_n(&_PyRuntime.finalizing, __ATOMIC_RELAXED);
#else
    const void *finalizing = _PyRuntimeState_GetFinalizing(&_PyRuntime);
#endif
    if (!finalizing || finalizing == tstate) return 0;
#if PY_VERSION_HEX >= 0x030C0000
    /* the finalizing thread, switched to another thread state of its own */
    if (_PyRuntimeState_GetFinalizingID(&_PyRuntime) == PyThread_get_thread_ident()) return 0;
#endif
    return 1;
}

void gs_gil_layout_of_version(gs_gil_layout *out) {
    out->mutex = offsetof(struct _gil_runtime_state, mutex);
    out->cond = offsetof(struct _gil_runtime_state, cond);
    out->switch_mutex = offsetof(struct _gil_runtime_state, switch_mutex);
    out->locked = offsetof(struct _gil_runtime_state, locked);
    out->last_holder = offsetof(struct _gil_runtime_state, last_holder);
    out->size = sizeof(struct _gil_runtime_state);
}

size_t gs_offset_ob_type(void) { return offsetof(PyObject, ob_type); }
size_t gs_offset_tp_flags(void) { return offsetof(PyTypeObject, tp_flags); }
size_t gs_offset_tp_name(void) { return offsetof(PyTypeObject, tp_name); }

long gs_gil_enabled_offset(void) {
#ifdef Py_GIL_DISABLED
    return (long)offsetof(struct _gil_runtime_state, enabled);
#else
    return -1;
#endif
}
