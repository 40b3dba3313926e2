/* Patching: the methods of the lock types (_thread.lock, _thread.RLock,
 * _multiprocessing.SemLock, 3.13's _thread._ThreadHandle) are replaced in
 * their types by C wrappers that hand each call to locks.c; their tp_dealloc
 * is wrapped so that a dead lock leaves the lock table; and it is all put
 * back when recording stops while the process goes on. */
#include "cpython.h"

#include <string.h>

#include "locks.h"
#include "locks_internal.h"
#include "locktable.h"

/* One C function per patched method and calling convention: the table below
 * picks the one matching the original's flags. */
#define MAX_PATCHED 20
static patched patches[MAX_PATCHED];

#define WRAPPERS(N)                                                                                     \
    static PyObject *w##N##_noargs(PyObject *s, PyObject *u) {                                          \
        (void)u; call_args c = {.self = s}; return gs_locks_dispatch(&patches[N], &c); }                \
    static PyObject *w##N##_o(PyObject *s, PyObject *a) {                                               \
        PyObject *one[1] = {a}; call_args c = {.self = s, .fargs = one, .nargs = 1};                    \
        return gs_locks_dispatch(&patches[N], &c); }                                                    \
    static PyObject *w##N##_varargs(PyObject *s, PyObject *a) {                                         \
        call_args c = {.self = s, .args = a}; return gs_locks_dispatch(&patches[N], &c); }              \
    static PyObject *w##N##_varkw(PyObject *s, PyObject *a, PyObject *k) {                              \
        call_args c = {.self = s, .args = a, .kw = k}; return gs_locks_dispatch(&patches[N], &c); }     \
    static PyObject *w##N##_fast(PyObject *s, PyObject *const *a, Py_ssize_t n) {                       \
        call_args c = {.self = s, .fargs = a, .nargs = n}; return gs_locks_dispatch(&patches[N], &c); } \
    static PyObject *w##N##_fastkw(PyObject *s, PyObject *const *a, Py_ssize_t n, PyObject *k) {        \
        call_args c = {.self = s, .fargs = a, .nargs = n, .kwnames = k}; return gs_locks_dispatch(&patches[N], &c); }

WRAPPERS(0) WRAPPERS(1) WRAPPERS(2) WRAPPERS(3) WRAPPERS(4) WRAPPERS(5) WRAPPERS(6) WRAPPERS(7)
WRAPPERS(8) WRAPPERS(9) WRAPPERS(10) WRAPPERS(11) WRAPPERS(12) WRAPPERS(13) WRAPPERS(14) WRAPPERS(15)
WRAPPERS(16) WRAPPERS(17) WRAPPERS(18) WRAPPERS(19)

#define ROW(N) {(PyCFunction)w##N##_noargs, (PyCFunction)w##N##_o, (PyCFunction)w##N##_varargs,          \
                (PyCFunction)(void (*)(void))w##N##_varkw, (PyCFunction)(void (*)(void))w##N##_fast,      \
                (PyCFunction)(void (*)(void))w##N##_fastkw}
static const PyCFunction wrappers[MAX_PATCHED][6] = {
    ROW(0), ROW(1), ROW(2), ROW(3), ROW(4), ROW(5), ROW(6), ROW(7),
    ROW(8), ROW(9), ROW(10), ROW(11), ROW(12), ROW(13), ROW(14), ROW(15),
    ROW(16), ROW(17), ROW(18), ROW(19),
};
static int patch_count;

static int wrapper_column(int flags) {
    switch (flags & (METH_VARARGS | METH_KEYWORDS | METH_NOARGS | METH_O | METH_FASTCALL)) {
    case METH_NOARGS: return 0;
    case METH_O: return 1;
    case METH_VARARGS: return 2;
    case METH_VARARGS | METH_KEYWORDS: return 3;
    case METH_FASTCALL: return 4;
    case METH_FASTCALL | METH_KEYWORDS: return 5;
    default: return -1;
    }
}

static int patch_method(PyTypeObject *type, const char *name, int role, uint8_t kind) {
    PyObject *dict = type->tp_dict;
    PyObject *descr = dict ? PyDict_GetItemString(dict, name) : NULL;
    if (!descr || Py_TYPE(descr) != &PyMethodDescr_Type) return 0; /* absent in this version */
    PyMethodDef *original = ((PyMethodDescrObject *)descr)->d_method;
    for (int i = 0; i < patch_count; i++) {
        patched *p = &patches[i];
        if (p->original != original || strcmp(p->method, name) != 0) continue;
        if (p->active || p->type != type) return 0;
        /* put back by an earlier recording's end: the same wrapper again (a bound
         * method made back then still calls through this slot) */
        PyObject *replacement = PyDescr_NewMethod(type, &p->replacement);
        if (!replacement) return -1;
        int rc = PyDict_SetItemString(dict, name, replacement);
        Py_DECREF(replacement);
        if (rc == 0) {
            p->active = 1;
            PyType_Modified(type);
        }
        return rc;
    }
    int column = wrapper_column(original->ml_flags);
    if (column < 0 || patch_count >= MAX_PATCHED) return -1;
    patched *p = &patches[patch_count];
    p->method = name;
    p->role = role;
    p->kind = kind;
    p->original = original;
    p->replacement = *original;
    p->replacement.ml_meth = wrappers[patch_count][column];
    PyObject *replacement = PyDescr_NewMethod(type, &p->replacement);
    if (!replacement) return -1;
    Py_INCREF(descr); /* the original, kept to be put back */
    int rc = PyDict_SetItemString(dict, name, replacement);
    Py_DECREF(replacement);
    if (rc == 0) {
        p->type = type;
        p->original_descr = descr;
        p->active = 1;
        patch_count++;
        PyType_Modified(type);
    } else {
        Py_DECREF(descr);
    }
    return rc;
}

/* ---- forgetting dead locks, so that a reused address is a new lock ---- */

#define MAX_TYPES 4
static PyTypeObject *dealloc_types[MAX_TYPES];
static destructor dealloc_originals[MAX_TYPES];

#define DEALLOC(N) static void dealloc##N(PyObject *o) { gs_locktable_forget(o); dealloc_originals[N](o); }
DEALLOC(0) DEALLOC(1) DEALLOC(2) DEALLOC(3)
static const destructor deallocs[MAX_TYPES] = {dealloc0, dealloc1, dealloc2, dealloc3};

static void patch_dealloc(PyTypeObject *type) {
    for (int i = 0; i < MAX_TYPES; i++) {
        if (dealloc_types[i] == type) {
            type->tp_dealloc = deallocs[i]; /* again, after an earlier recording put it back */
            return;
        }
        if (!dealloc_types[i]) {
            dealloc_types[i] = type;
            dealloc_originals[i] = type->tp_dealloc;
            type->tp_dealloc = deallocs[i];
            return;
        }
    }
}

/* ---- installation ---- */

static int patch_type(PyTypeObject *type, uint8_t kind, int reentrant) {
    patch_dealloc(type);
    gs_lockmakers_patch_new(type, kind);
    const struct { const char *name; int role; } methods[] = {
        {"acquire", ROLE_ACQUIRE}, {"acquire_lock", ROLE_ACQUIRE}, {"__enter__", ROLE_ACQUIRE},
        {"release", ROLE_RELEASE}, {"release_lock", ROLE_RELEASE}, {"__exit__", ROLE_RELEASE},
        {"_release_save", ROLE_RELEASE_SAVE}, {"_acquire_restore", ROLE_ACQUIRE_RESTORE},
    };
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
        if (!reentrant && methods[i].role >= ROLE_RELEASE_SAVE) continue;
        if (patch_method(type, methods[i].name, methods[i].role, kind) < 0) return -1;
    }
    return 0;
}

int gs_locks_install_module(PyObject *module) {
    const char *name = PyModule_GetName(module);
    if (!name) { PyErr_Clear(); return 0; }
    struct { const char *module, *type; uint8_t kind; int reentrant; } types[] = {
        {"_thread", "LockType", GS_KIND_LOCK, 0},
        {"_thread", "RLock", GS_KIND_RLOCK, 1},
        {"_multiprocessing", "SemLock", GS_KIND_MULTIPROCESSING, 0},
    };
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++) {
        if (strcmp(types[i].module, name) != 0) continue;
        PyObject *type = PyObject_GetAttrString(module, types[i].type);
        if (!type) { PyErr_Clear(); continue; }
        int rc = PyType_Check(type) ? patch_type((PyTypeObject *)type, types[i].kind, types[i].reentrant) : 0;
        Py_DECREF(type);
        if (rc < 0) return -1;
    }
    if (strcmp(name, "_thread") == 0) {
        PyObject *handle = PyObject_GetAttrString(module, "_ThreadHandle"); /* 3.13+ */
        if (handle && PyType_Check(handle)) {
            patch_dealloc((PyTypeObject *)handle);
            if (patch_method((PyTypeObject *)handle, "join", ROLE_JOIN, GS_KIND_THREAD) < 0) { Py_DECREF(handle); return -1; }
        }
        Py_XDECREF(handle);
        PyErr_Clear();
        if (gs_lockmakers_wrap_factories(module) < 0) return -1;
    }
    return 0;
}

/* ---- putting it all back (recording stops while the process goes on) ---- */

void gs_locks_uninstall(void) {
    gs_lockmakers_unwrap_factories();
    for (int i = 0; i < patch_count; i++) {
        patched *p = &patches[i];
        if (!p->type || !p->original_descr) continue;
        if (PyDict_SetItemString(p->type->tp_dict, p->method, p->original_descr) < 0) PyErr_Clear();
        p->active = 0;
        PyType_Modified(p->type);
    }
    gs_lockmakers_unpatch_new();
    for (int i = 0; i < MAX_TYPES && dealloc_types[i]; i++) dealloc_types[i]->tp_dealloc = dealloc_originals[i];
    /* the wrappers' own code stays loaded: a call already inside one finishes, passing through */
}
