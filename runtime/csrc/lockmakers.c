/* Creation: what makes a lock (_thread's factories, the tp_new of the lock
 * types) is wrapped, so that a lock is named by the line that made it
 * (locks.c registers it); threading's own names for the factories are
 * rebound to the wrappers, and all of it is put back when recording stops. */
#include "cpython.h"

#include "locks.h"
#include "locks_internal.h"

#define MAX_FACTORIES 4
static PyObject *factory_originals[MAX_FACTORIES];
static PyObject *factory_modules[MAX_FACTORIES];
static PyMethodDef factory_defs[MAX_FACTORIES];

#define FACTORY(N)                                                                      \
    static PyObject *factory##N(PyObject *self, PyObject *const *args, Py_ssize_t n) {  \
        (void)self;                                                                     \
        PyObject *lock = PyObject_Vectorcall(factory_originals[N], args, (size_t)n, NULL); \
        gs_locks_register_new(lock, GS_KIND_LOCK);                                      \
        return lock;                                                                    \
    }
FACTORY(0) FACTORY(1) FACTORY(2) FACTORY(3)
static const _PyCFunctionFast factories[MAX_FACTORIES] = {factory0, factory1, factory2, factory3};
static int factory_count;

static PyObject *new_factory(int n, PyObject *module) {
    PyObject *module_name = PyModule_GetNameObject(module);
    PyObject *wrapper = module_name ? PyCFunction_NewEx(&factory_defs[n], NULL, module_name) : NULL;
    Py_XDECREF(module_name);
    return wrapper;
}

/* Replaces module.name (a builtin that makes a Lock) with a wrapper. */
static int wrap_factory(PyObject *module, const char *name) {
    PyObject *original = PyObject_GetAttrString(module, name);
    if (!original) { PyErr_Clear(); return 0; }
    if (!PyCFunction_Check(original)) { Py_DECREF(original); return 0; }
    int n = factory_count;
    for (int i = 0; i < factory_count; i++)
        if (factory_originals[i] == original && factory_modules[i] == module) n = i; /* an earlier recording's, put back */
    if (n == factory_count && factory_count >= MAX_FACTORIES) { Py_DECREF(original); return 0; }
    if (n < factory_count) {
        Py_DECREF(original); /* kept already */
        PyObject *again = new_factory(n, module);
        if (!again) return -1;
        int rc = PyObject_SetAttrString(module, name, again);
        Py_DECREF(again);
        return rc;
    }
    factory_originals[n] = original; /* kept for ever */
    factory_defs[n] = (PyMethodDef){name, (PyCFunction)(void (*)(void))factories[n], METH_FASTCALL, "gilscope: makes a lock"};
    PyObject *wrapper = new_factory(n, module);
    if (!wrapper) return -1;
    int rc = PyObject_SetAttrString(module, name, wrapper);
    Py_DECREF(wrapper);
    if (rc == 0) {
        Py_INCREF(module);
        factory_modules[n] = module;
        factory_count++;
    }
    return rc;
}

/* threading, when imported before recording began, holds a factory under its
 * names Lock (up to 3.12) and _allocate_lock: each whose value `replacement`
 * maps to another object (a new reference; NULL leaves it) is set to that. */
static void rebind_threading(PyObject *(*replacement)(PyObject *value, PyObject *thread_module), PyObject *thread_module) {
    PyObject *threading = PyDict_GetItemString(PyImport_GetModuleDict(), "threading"); /* borrowed */
    if (!threading) return;
    const char *names[] = {"Lock", "_allocate_lock"};
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        PyObject *value = PyObject_GetAttrString(threading, names[k]);
        if (!value) { PyErr_Clear(); continue; }
        PyObject *to = replacement(value, thread_module);
        if (to && PyObject_SetAttrString(threading, names[k], to) < 0) PyErr_Clear();
        Py_XDECREF(to);
        Py_DECREF(value);
    }
}

/* An original factory's wrapper, as thread_module holds it now. */
static PyObject *wrapper_of(PyObject *value, PyObject *thread_module) {
    for (int i = 0; i < factory_count; i++) {
        if (value != factory_originals[i]) continue;
        PyObject *wrapper = PyObject_GetAttrString(thread_module, factory_defs[i].ml_name);
        if (!wrapper) PyErr_Clear();
        return wrapper;
    }
    return NULL;
}

/* A wrapper's original factory (recording stops). */
static PyObject *original_of(PyObject *value, PyObject *unused) {
    (void)unused;
    if (!PyCFunction_Check(value)) return NULL;
    for (int i = 0; i < factory_count; i++) {
        if (((PyCFunctionObject *)value)->m_ml != &factory_defs[i]) continue;
        Py_INCREF(factory_originals[i]);
        return factory_originals[i];
    }
    return NULL;
}

int gs_lockmakers_wrap_factories(PyObject *thread_module) {
    if (wrap_factory(thread_module, "allocate_lock") < 0 || wrap_factory(thread_module, "allocate") < 0) return -1;
    rebind_threading(wrapper_of, thread_module);
    return 0;
}

/* Types whose instances are made by calling the type (RLock; Lock from 3.13;
 * SemLock): their tp_new is wrapped. */
#define MAX_NEW 4
static PyTypeObject *new_types[MAX_NEW];
static newfunc new_originals[MAX_NEW];
static uint8_t new_kinds[MAX_NEW];
#define NEW(N)                                                                          \
    static PyObject *new##N(PyTypeObject *type, PyObject *args, PyObject *kw) {         \
        PyObject *lock = new_originals[N](type, args, kw);                              \
        gs_locks_register_new(lock, new_kinds[N]);                                      \
        return lock;                                                                    \
    }
NEW(0) NEW(1) NEW(2) NEW(3)
static const newfunc news[MAX_NEW] = {new0, new1, new2, new3};

void gs_lockmakers_patch_new(PyTypeObject *type, uint8_t kind) {
    if (!type->tp_new) return;
    for (int i = 0; i < MAX_NEW; i++) {
        if (new_types[i] == type) {
            type->tp_new = news[i]; /* again, after an earlier recording put it back */
            return;
        }
        if (!new_types[i]) {
            new_types[i] = type;
            new_originals[i] = type->tp_new;
            new_kinds[i] = kind;
            type->tp_new = news[i];
            return;
        }
    }
}

/* ---- putting it all back (recording stops while the process goes on) ---- */

void gs_lockmakers_unwrap_factories(void) {
    rebind_threading(original_of, NULL); /* threading's names that hold a wrapper get the original again */
    for (int i = 0; i < factory_count; i++) {
        if (PyObject_SetAttrString(factory_modules[i], factory_defs[i].ml_name, factory_originals[i]) < 0) PyErr_Clear();
    }
}

void gs_lockmakers_unpatch_new(void) {
    for (int i = 0; i < MAX_NEW && new_types[i]; i++) new_types[i]->tp_new = new_originals[i];
}
