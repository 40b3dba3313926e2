/* What the lock files share among themselves: the wrapped methods' logic
 * (locks.c), the patching of the lock types (lockpatch.c) and the wrapping
 * of what makes locks (lockmakers.c). Not for the rest of the probe: locks.h. */
#ifndef GILSCOPE_LOCKS_INTERNAL_H
#define GILSCOPE_LOCKS_INTERNAL_H

#include "cpython.h"

#include <stdint.h>

/* A call of a wrapped method, as its calling convention passed it. */
typedef struct {
    PyObject *self;
    PyObject *args;  /* METH_VARARGS */
    PyObject *kw;
    PyObject *const *fargs; /* METH_FASTCALL, METH_O (one) */
    Py_ssize_t nargs;
    PyObject *kwnames;
} call_args;

/* What a wrapped method does to its lock. */
enum { ROLE_ACQUIRE, ROLE_RELEASE, ROLE_RELEASE_SAVE, ROLE_ACQUIRE_RESTORE, ROLE_JOIN };

/* One method replaced in a lock type (lockpatch.c fills it in). */
typedef struct {
    const char *method;
    int role;
    uint8_t kind;
    PyMethodDef *original;
    PyMethodDef replacement;
    PyTypeObject *type;       /* where it was replaced, and the descriptor it was (to put back) */
    PyObject *original_descr;
    int active;               /* 0 once put back (gs_locks_uninstall); a next recording replaces it again */
} patched;

/* locks.c: runs a call of a wrapped method (what every wrapper of lockpatch.c calls). */
PyObject *gs_locks_dispatch(const patched *p, const call_args *c);

/* locks.c: a lock just made by a wrapped factory or tp_new (lockmakers.c),
 * of `kind`: registered while recording, named by the line that made it. */
void gs_locks_register_new(PyObject *lock, uint8_t kind);

/* lockmakers.c: tp_new of a lock type wrapped (again, after an earlier
 * recording put it back), and every tp_new wrapped put back. */
void gs_lockmakers_patch_new(PyTypeObject *type, uint8_t kind);
void gs_lockmakers_unpatch_new(void);

/* lockmakers.c: _thread's lock factories wrapped and threading's names for
 * them rebound; 0, or -1 with a Python error set. And the reverse. */
int gs_lockmakers_wrap_factories(PyObject *thread_module);
void gs_lockmakers_unwrap_factories(void);

#endif
