/* Recognises the frames of threading, queue, concurrent.futures and
 * multiprocessing's synchronisation code, so that a wait is named by the
 * user's line and by what it waits for (a queue get, an Event, a join...).
 * A code object's file is matched once and cached; 3.11+ code objects carry
 * their qualified name, older ones are told apart by the class of `self`. */
#include "cpython.h"

#include <stdlib.h>
#include <string.h>

#include "syncroles.h"

enum { FILE_OTHER = 0, FILE_GILSCOPE, FILE_THREADING, FILE_QUEUE, FILE_FUTURES_BASE, FILE_FUTURES_POOL, FILE_MP_SYNC, FILE_MP_QUEUES };

typedef struct {
    const void *code;
    int file;
} cached;

static cached *cache;
static size_t cache_capacity, cache_used;
static int spin;

void gs_sync_roles_after_fork_child(void) { spin = 0; }

static int ends_with(const char *s, const char *suffix) {
    size_t a = strlen(s), b = strlen(suffix);
    return a >= b && strcmp(s + a - b, suffix) == 0;
}

static int file_kind(PyCodeObject *code) {
    const char *f = PyUnicode_Check(code->co_filename) ? PyUnicode_AsUTF8(code->co_filename) : NULL;
    if (!f) { PyErr_Clear(); return FILE_OTHER; }
    /* our wrappers (thread naming, import and extension-loading watches): a
     * lock made or taken under one is the code's it wraps */
    if (ends_with(f, "/gilscope/_boot.py") || ends_with(f, "/gilscope/thread_naming.py") ||
        ends_with(f, "/gilscope/import_watch.py") || ends_with(f, "/gilscope/_freethreaded.py") ||
        ends_with(f, "/gilscope/attached.py"))
        return FILE_GILSCOPE;
    if (ends_with(f, "/threading.py")) return FILE_THREADING;
    if (ends_with(f, "/queue.py")) return FILE_QUEUE;
    if (ends_with(f, "/concurrent/futures/_base.py")) return FILE_FUTURES_BASE;
    if (ends_with(f, "/concurrent/futures/thread.py") || ends_with(f, "/concurrent/futures/process.py")) return FILE_FUTURES_POOL;
    if (ends_with(f, "/multiprocessing/synchronize.py") || ends_with(f, "/multiprocessing/context.py")) return FILE_MP_SYNC;
    if (ends_with(f, "/multiprocessing/queues.py")) return FILE_MP_QUEUES;
    return FILE_OTHER;
}

static size_t slot_of(const void *code) {
    uint64_t h = (uint64_t)(uintptr_t)code * 0x9E3779B97F4A7C15ull;
    return (size_t)(h ^ (h >> 29)) & (cache_capacity - 1);
}

/* The file kind of a code object; the code object is kept alive by the cache. */
static int cached_file_kind(PyCodeObject *code) {
    while (__atomic_exchange_n(&spin, 1, __ATOMIC_ACQUIRE)) __builtin_ia32_pause();
    int kind = -1;
    if (cache_capacity) {
        for (size_t i = slot_of(code); cache[i].code; i = (i + 1) & (cache_capacity - 1))
            if (cache[i].code == code) { kind = cache[i].file; break; }
    }
    __atomic_store_n(&spin, 0, __ATOMIC_RELEASE);
    if (kind >= 0) return kind;
    kind = file_kind(code);
    while (__atomic_exchange_n(&spin, 1, __ATOMIC_ACQUIRE)) __builtin_ia32_pause();
    if ((cache_used + 1) * 2 > cache_capacity) {
        size_t n = cache_capacity ? cache_capacity * 2 : 1024;
        cached *c = calloc(n, sizeof *c);
        if (c) {
            cached *old = cache;
            size_t old_n = cache_capacity;
            cache = c;
            cache_capacity = n;
            for (size_t i = 0; i < old_n; i++) {
                if (!old[i].code) continue;
                size_t j = slot_of(old[i].code);
                while (cache[j].code) j = (j + 1) & (n - 1);
                cache[j] = old[i];
            }
            free(old);
        }
    }
    if ((cache_used + 1) * 2 <= cache_capacity) {
        size_t i = slot_of(code);
        while (cache[i].code && cache[i].code != code) i = (i + 1) & (cache_capacity - 1);
        if (!cache[i].code) {
            Py_INCREF(code);
            cache[i].code = code;
            cache[i].file = kind;
            cache_used++;
        }
    }
    __atomic_store_n(&spin, 0, __ATOMIC_RELEASE);
    return kind;
}

static int name_is(PyObject *s, const char *text) {
    return s && PyUnicode_Check(s) && PyUnicode_CompareWithASCIIString(s, text) == 0;
}

/* The class a method runs for: the code's own class where code objects have
 * a qualified name (3.11+: "Class.method"), else the nearest known class of
 * `self`. */
static int class_is(PyCodeObject *code, PyObject *self, const char *cls) {
    PyObject *name = gs_code_name(code);
    const char *q = PyUnicode_Check(name) ? PyUnicode_AsUTF8(name) : NULL;
    if (q && strchr(q, '.')) {
        size_t n = strlen(cls);
        return strncmp(q, cls, n) == 0 && q[n] == '.';
    }
    if (!q) PyErr_Clear();
    if (!self) return 0;
    for (PyTypeObject *t = Py_TYPE(self); t; t = t->tp_base) {
        const char *name = strrchr(t->tp_name, '.');
        name = name ? name + 1 : t->tp_name;
        if (strcmp(name, cls) == 0) return 1;
    }
    return 0;
}

int gs_sync_role(PyCodeObject *code, PyObject *first_local) {
    if (!code) return GS_ROLE_USER; /* no Python frame */
    int file = cached_file_kind(code);
    if (file == FILE_OTHER) return GS_ROLE_USER;
    if (file == FILE_FUTURES_POOL) return GS_ROLE_SYNC_WEAK;
    PyObject *name = code->co_name;
    PyObject *self = first_local;
    switch (file) {
    case FILE_THREADING:
        if (name_is(name, "wait") || name_is(name, "wait_for")) {
            if (class_is(code, self, "Event")) return GS_ROLE_EVENT_WAIT;
            return GS_ROLE_CONDITION_WAIT; /* Condition, and Barrier's waits */
        }
        if (name_is(name, "__init__")) {
            if (class_is(code, self, "Event")) return GS_ROLE_EVENT_INIT;
            if (class_is(code, self, "BoundedSemaphore")) return GS_ROLE_BOUNDED_SEMAPHORE_INIT;
            if (class_is(code, self, "Semaphore")) return GS_ROLE_SEMAPHORE_INIT;
            if (class_is(code, self, "Thread")) return GS_ROLE_THREAD_INIT;
            if (class_is(code, self, "Condition") || class_is(code, self, "Barrier")) return GS_ROLE_CONDITION_INIT;
            return GS_ROLE_SYNC_OTHER;
        }
        if (name_is(name, "acquire") && class_is(code, self, "Semaphore")) return GS_ROLE_SEMAPHORE_ACQUIRE;
        if (name_is(name, "join")) return GS_ROLE_JOIN;
        if (name_is(name, "_wait_for_tstate_lock")) return GS_ROLE_JOIN_INNER;
        return GS_ROLE_SYNC_OTHER;
    case FILE_QUEUE:
    case FILE_MP_QUEUES:
        if (name_is(name, "get")) return GS_ROLE_QUEUE_GET;
        if (name_is(name, "put")) return GS_ROLE_QUEUE_PUT;
        if (name_is(name, "__init__")) return GS_ROLE_QUEUE_INIT;
        return GS_ROLE_SYNC_OTHER;
    case FILE_FUTURES_BASE:
        if (name_is(name, "result") || name_is(name, "exception") || name_is(name, "wait") || name_is(name, "as_completed"))
            return GS_ROLE_FUTURE_WAIT;
        if (name_is(name, "__init__") && class_is(code, self, "Future")) return GS_ROLE_FUTURE_INIT;
        return GS_ROLE_SYNC_OTHER;
    default:
        return GS_ROLE_SYNC_OTHER;
    }
}
