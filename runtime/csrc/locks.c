/* Lock contention, measured at the lock objects themselves.
 *
 * The methods of _thread.lock, _thread.RLock and _multiprocessing.SemLock are
 * replaced in their types by C wrappers that call the original C functions
 * directly, so every lock is covered, including those made before recording
 * began, and an uncontended acquire costs a few loads and one record.
 *
 * Contention is exact and costs nothing when there is none: an acquire that
 * must block lets the GIL go first (in every version: the semaphore of 3.8 to
 * 3.12 and the PyMutex of 3.13 alike), and the GIL hooks see that release
 * while this acquire is pending (gilhooks.c writes the LOCK_WAIT). The lock
 * was obtained the moment the thread asked for the GIL back; the GIL wait
 * after it is reported separately.
 *
 * Waits that are not contention (Condition, Event, queue, Future, join) run
 * through a private "waiter" lock inside threading.py. They are recognised by
 * the code of the calling frames and recorded as waits of the object the user
 * made (its Condition's lock), at the user's line: the first frame outside
 * the standard library's synchronisation modules. */
#include "cpython.h"

#include <stdlib.h>
#include <string.h>

#include "locks.h"
#include "pyframe.h"
#include "quiet.h"
#include "recorder.h"
#include "syncroles.h"

/* ---- the lock table: object address -> identity and current holder ---- */

typedef struct {
    const void *object; /* NULL: empty; TOMBSTONE: removed */
    uint32_t id;
    uint8_t kind;
    uint8_t internal;   /* a waiter lock of threading.Condition: never reported */
    uint32_t holder;    /* thread slot holding it, 0 when free */
    uint32_t hold_site;
    uint32_t depth;     /* RLock recursion */
    uint32_t generation;
    /* where it was made, kept to name it again in a forked child's file (the
     * site table keeps the code object alive) */
    PyCodeObject *made_in;
    int made_at;
    const char *type_name; /* GS_KIND_OBJECT: the object's type (tp_name) */
} lock_entry;

#define TOMBSTONE ((const void *)1)

static lock_entry *table;
static size_t capacity, used;
static uint32_t next_lock_id;
static uint32_t generation = 1;
static int spin;

static void lock_table(void) {
    while (__atomic_exchange_n(&spin, 1, __ATOMIC_ACQUIRE))
        while (__atomic_load_n(&spin, __ATOMIC_RELAXED)) __builtin_ia32_pause();
}
static void unlock_table(void) { __atomic_store_n(&spin, 0, __ATOMIC_RELEASE); }

static size_t slot_of(const void *object) {
    uint64_t h = (uint64_t)(uintptr_t)object * 0x9E3779B97F4A7C15ull;
    return (size_t)(h ^ (h >> 31)) & (capacity - 1);
}

static lock_entry *find(const void *object) {
    if (!capacity) return NULL;
    for (size_t i = slot_of(object);; i = (i + 1) & (capacity - 1)) {
        if (table[i].object == object) return &table[i];
        if (!table[i].object) return NULL;
    }
}

typedef struct retired_table {
    struct retired_table *next;
    lock_entry *entries;
} retired_table;
static retired_table *retired;

static void retire(lock_entry *old) {
    if (!old) return;
    retired_table *r = malloc(sizeof *r);
    if (!r) return; /* leaked instead: still never freed under a reader */
    r->entries = old;
    r->next = retired;
    retired = r;
}

static int grow(void) {
    size_t n = capacity ? capacity * 2 : 4096;
    lock_entry *old = table;
    size_t old_capacity = capacity;
    table = calloc(n, sizeof *table);
    if (!table) { table = old; return 0; }
    capacity = n;
    used = 0;
    for (size_t i = 0; i < old_capacity; i++) {
        if (!old[i].object || old[i].object == TOMBSTONE) continue;
        size_t j = slot_of(old[i].object);
        while (table[j].object) j = (j + 1) & (capacity - 1);
        table[j] = old[i];
        used++;
    }
    /* Not freed: without a GIL another thread may be reading an entry of the
     * old table right now. The tables retired add up to less than the live one. */
    retire(old);
    return 1;
}

static lock_entry *insert(const void *object) {
    if ((used + 1) * 2 > capacity && !grow()) return NULL;
    size_t i = slot_of(object);
    while (table[i].object && table[i].object != TOMBSTONE) i = (i + 1) & (capacity - 1);
    lock_entry *e = &table[i];
    memset(e, 0, sizeof *e);
    e->object = object;
    e->id = ++next_lock_id;
    used++;
    return e;
}

/* ---- where a call comes from ---- */

typedef struct {
    uint32_t site;        /* the first frame outside the sync modules */
    PyCodeObject *code;   /* and its location */
    int offset;
    int innermost_role;
    int role;             /* the outermost sync frame's role */
    PyObject *role_self;  /* and its `self` (borrowed) */
    PyObject *condition;  /* the innermost Condition.wait frame's self (borrowed) */
} call_origin;

static void find_origin(gs_thread *t, PyThreadState *ts, call_origin *o) {
    memset(o, 0, sizeof *o);
    gs_frame f, weak = {0};
    int first = 1;
    for (int ok = gs_frame_innermost(ts, &f); ok; ok = gs_frame_outer(&f)) {
        int role = gs_sync_role(f.code, f.first_local);
        if (first) o->innermost_role = role;
        first = 0;
        if (role == GS_ROLE_USER) {
            o->site = gs_pyframe_site_of(t, f.code, f.offset);
            o->code = f.code;
            o->offset = f.offset;
            return;
        }
        if (role == GS_ROLE_SYNC_WEAK) {
            if (!weak.code) weak = f;
            continue;
        }
        if (role == GS_ROLE_CONDITION_WAIT && !o->condition) o->condition = f.first_local;
        if (role != GS_ROLE_SYNC_OTHER) {
            o->role = role;
            o->role_self = f.first_local;
        }
    }
    /* no user frame (a pool's worker thread): the pool's own line */
    if (weak.code) {
        o->site = gs_pyframe_site_of(t, weak.code, weak.offset);
        o->code = weak.code;
        o->offset = weak.offset;
    }
}

static uint8_t kind_made_by(int role, uint8_t primitive) {
    switch (role) {
    case GS_ROLE_CONDITION_INIT: return GS_KIND_CONDITION;
    case GS_ROLE_SEMAPHORE_INIT: return GS_KIND_SEMAPHORE;
    case GS_ROLE_BOUNDED_SEMAPHORE_INIT: return GS_KIND_BOUNDED_SEMAPHORE;
    case GS_ROLE_EVENT_INIT: return GS_KIND_EVENT;
    case GS_ROLE_QUEUE_INIT: return GS_KIND_QUEUE;
    case GS_ROLE_FUTURE_INIT: return GS_KIND_FUTURE;
    case GS_ROLE_THREAD_INIT: return GS_KIND_THREAD;
    default: return primitive;
    }
}

static void write_new(gs_thread *t, lock_entry *e, const void *object, uint32_t site) {
    gs_slot *s = gs_reserve(t, 1);
    if (!s) return;
    uint32_t *payload = (uint32_t *)(s + 1);
    payload[0] = site;
    /* an object is named by its type; a lock by its creation line, which the reader reads */
    payload[1] = e->type_name ? gs_pyframe_c_string(t, e->type_name) : 0;
    *(uint64_t *)(payload + 2) = (uint64_t)(uintptr_t)object;
    gs_publish(s, GS_LOCK_NEW, 1, e->kind, e->id, gs_ticks());
    e->generation = generation;
}

static lock_entry *lookup(PyObject *lock) {
    lock_table();
    lock_entry *e = find(lock);
    unlock_table();
    return e;
}

/* The entry of a lock, registered now (created before recording began, or in
 * C) when unknown: its site is then where it was first seen. */
static lock_entry *entry_of(gs_thread *t, PyThreadState *ts, PyObject *lock, uint8_t primitive, int may_be_internal) {
    lock_entry *e = lookup(lock);
    if (e && e->generation == generation) return e;
    if (e) {
        /* known, but this is a forked child's new file: define it again, as made where it was */
        uint32_t site = e->made_in ? gs_pyframe_site_of(t, e->made_in, e->made_at) : 0;
        if ((e = lookup(lock))) {
            if (e->internal) e->generation = generation;
            else write_new(t, e, lock, site);
        }
        return e;
    }
    call_origin o;
    find_origin(t, ts, &o);
    lock_table();
    e = find(lock);
    if (!e) {
        e = insert(lock);
        if (e) {
            e->kind = kind_made_by(o.role, primitive);
            /* the waiter lock that Condition.wait makes and blocks on */
            e->internal = may_be_internal && o.innermost_role == GS_ROLE_CONDITION_WAIT;
            e->made_in = o.code;
            e->made_at = o.offset;
        }
    }
    unlock_table();
    if (e && !e->internal && e->generation != generation) write_new(t, e, lock, o.site);
    else if (e) e->generation = generation;
    return e;
}


uint32_t gs_locks_object_id(gs_thread *t, const void *object, uint8_t kind, const char *type_name) {
    lock_table();
    lock_entry *e = find(object);
    if (e && (e->kind != kind || e->type_name != type_name)) {
        e->object = TOMBSTONE; /* the address holds another object now */
        used--;
        e = NULL;
    }
    int fresh = 0;
    if (!e && (e = insert(object))) {
        e->kind = kind;
        e->type_name = type_name;
        fresh = 1;
    }
    uint32_t id = e ? e->id : 0;
    int define = e && (fresh || e->generation != generation);
    unlock_table();
    if (define) write_new(t, e, object, 0);
    return id;
}

int gs_locks_in_event_wait(const gs_thread *t) { return t->event_wait_depth > 0; }

void gs_locks_blocked(gs_thread *t) {
    /* The open summaries end before the acquire began (nothing else ran in this
     * thread since): stamped then, ahead of the wait. Spins since stay pending. */
    gs_quiet_flush_at(t, t->pending_since);
    t->shadow_since = NULL;
    gs_write4(t, GS_LOCK_WAIT, GS_WAIT_ACQUIRE, t->pending_lock_id, t->pending_since, t->pending_site,
              t->pending_holder_slot, t->pending_holder_site, 0);
    t->lock_blocked = 2;
}

/* ---- the wrapped methods ---- */

typedef PyObject *(*fast_fn)(PyObject *, PyObject *const *, Py_ssize_t);
typedef PyObject *(*fast_kw_fn)(PyObject *, PyObject *const *, Py_ssize_t, PyObject *);

typedef struct {
    PyObject *self;
    PyObject *args;  /* METH_VARARGS */
    PyObject *kw;
    PyObject *const *fargs; /* METH_FASTCALL, METH_O (one) */
    Py_ssize_t nargs;
    PyObject *kwnames;
} call_args;

enum { ROLE_ACQUIRE, ROLE_RELEASE, ROLE_RELEASE_SAVE, ROLE_ACQUIRE_RESTORE, ROLE_JOIN };

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

static PyObject *call_original(const patched *p, const call_args *c) {
    PyMethodDef *m = p->original;
    switch (m->ml_flags & (METH_VARARGS | METH_KEYWORDS | METH_NOARGS | METH_O | METH_FASTCALL)) {
    case METH_NOARGS: return m->ml_meth(c->self, NULL);
    case METH_O: return m->ml_meth(c->self, c->fargs[0]);
    case METH_VARARGS: return m->ml_meth(c->self, c->args);
    case METH_VARARGS | METH_KEYWORDS: return ((PyCFunctionWithKeywords)(void (*)(void))m->ml_meth)(c->self, c->args, c->kw);
    case METH_FASTCALL: return ((fast_fn)(void (*)(void))m->ml_meth)(c->self, c->fargs, c->nargs);
    case METH_FASTCALL | METH_KEYWORDS: return ((fast_kw_fn)(void (*)(void))m->ml_meth)(c->self, c->fargs, c->nargs, c->kwnames);
    default:
        PyErr_SetString(PyExc_SystemError, "gilscope: unexpected calling convention");
        return NULL;
    }
}

static uint16_t wait_kind_of(int role) {
    switch (role) {
    case GS_ROLE_EVENT_WAIT: return GS_WAIT_EVENT;
    case GS_ROLE_QUEUE_GET: return GS_WAIT_QUEUE_GET;
    case GS_ROLE_QUEUE_PUT: return GS_WAIT_QUEUE_PUT;
    case GS_ROLE_FUTURE_WAIT: return GS_WAIT_FUTURE;
    case GS_ROLE_JOIN: return GS_WAIT_JOIN;
    case GS_ROLE_SEMAPHORE_ACQUIRE: return GS_WAIT_ACQUIRE;
    default: return GS_WAIT_CONDITION;
    }
}

/* A wait that is not contention: Condition.wait's waiter lock, or a join. It
 * is the user's object that is waited on: the Condition's own lock. */
static PyObject *waited_acquire(const patched *p, const call_args *c, gs_thread *t, PyThreadState *ts,
                                lock_entry *e, int join) {
    call_origin o;
    find_origin(t, ts, &o);
    uint32_t id = e->id;
    if (!join && o.condition) {
        PyObject *inner = PyObject_GetAttrString(o.condition, "_lock");
        if (inner) {
            lock_entry *ce = entry_of(t, ts, inner, GS_KIND_RLOCK, 0);
            if (ce) id = ce->id;
            Py_DECREF(inner);
        } else {
            PyErr_Clear();
        }
    }
    uint16_t kind = join ? GS_WAIT_JOIN : wait_kind_of(o.role);
    gs_put4(t, GS_LOCK_WAIT, kind, id, gs_ticks(), o.site, 0, 0, 0);
    t->event_wait_depth++;
    PyObject *result = call_original(p, c);
    t->event_wait_depth--;
    gs_put(t, GS_LOCK_WAIT_END, result == Py_True ? 0 : GS_LOCK_GAVE_UP, id, gs_ticks());
    if (result == Py_True && (e = lookup(c->self))) e->holder = t->slot;
    return result;
}

/* Where waiters of a threading lock park (a PyMutex, 3.13+), or NULL. */
static const void *park_address(const patched *p, PyObject *lock) {
    if (p->kind != GS_KIND_LOCK && p->kind != GS_KIND_RLOCK) return NULL;
    return gs_lock_park_address(lock, p->kind == GS_KIND_RLOCK);
}

static PyObject *acquire(const patched *p, const call_args *c, int restore_depth) {
    gs_thread *t = gs_recording ? gs_thread_current() : NULL;
    if (!t || t->pending_lock_id) return call_original(p, c);
    PyThreadState *ts = PyThreadState_Get();
    lock_entry *e = entry_of(t, ts, c->self, p->kind, p->role == ROLE_ACQUIRE);
    if (!e) return call_original(p, c);
    if (e->internal) {
        if (!e->holder) { /* the waiter lock's first, never blocking, acquire */
            PyObject *result = call_original(p, c);
            if (result == Py_True && (e = lookup(c->self))) e->holder = t->slot;
            return result;
        }
        return waited_acquire(p, c, t, ts, e, 0);
    }
    if (p->kind == GS_KIND_RLOCK && e->holder == t->slot && e->depth) {
        PyObject *result = call_original(p, c); /* re-entry: the same hold */
        if (result == Py_True && (e = lookup(c->self))) e->depth++;
        return result;
    }
    gs_frame f;
    /* No Python frame (a thread started in C that takes the lock): site 0 */
    int role = gs_frame_innermost(ts, &f) ? gs_sync_role(f.code, f.first_local) : GS_ROLE_USER;
    if (role == GS_ROLE_JOIN_INNER) return waited_acquire(p, c, t, ts, e, 1);
    uint32_t site;
    if (role == GS_ROLE_USER) {
        site = f.code ? gs_pyframe_site_of(t, f.code, f.offset) : 0;
    } else {
        call_origin o;
        find_origin(t, ts, &o);
        site = o.site;
    }
    uint32_t id = e->id;
    t->pending_lock_id = id;
    t->pending_site = site;
    t->pending_holder_slot = e->holder;
    t->pending_holder_site = e->hold_site;
    t->lock_blocked = 0;
    t->lock_parked = 0;
    t->pending_since = gs_ticks();
    uint32_t spins_before = t->spins_ever; /* t->spins is zeroed when written */
    __atomic_store_n(&t->handoff_park, NULL, __ATOMIC_RELAXED);
    PyObject *result = call_original(p, c);
    /* free-threaded: it spun on the busy lock and got it without parking: contended all the same */
    if (!t->lock_blocked && t->spins_ever != spins_before && result == Py_True) {
        gs_locks_blocked(t);
        t->resume_ticks = gs_ticks();
    }
    int blocked = t->lock_blocked != 0;
    t->pending_lock_id = 0;
    t->lock_blocked = 0;
    /* A contended lock is the thread's from when it asked for the GIL back,
     * or, when the thread that let it go handed it over (wakes.c), from that
     * release: the waiter may have been runnable and not running meanwhile. */
    uint64_t when = blocked ? t->resume_ticks : gs_ticks();
    const void *handed = __atomic_load_n(&t->handoff_park, __ATOMIC_ACQUIRE);
    if (blocked && handed && handed == park_address(p, c->self) && t->handoff_ticks < when) when = t->handoff_ticks;
    if (result == Py_True) {
        /* free-threaded: who woke it, and from where (parks.c); 0 on a GIL build */
        if (blocked) gs_put4(t, GS_LOCK_ACQUIRE, GS_LOCK_CONTENDED, id, when, site, t->woken_by_slot, t->woken_by_site, 0);
        else gs_quiet_lock_acquired(t, id, when, site); /* may turn out quiet (quiet.c) */
        if ((e = lookup(c->self))) {
            e->holder = t->slot;
            e->hold_site = site;
            e->depth = restore_depth > 0 ? (uint32_t)restore_depth : 1;
        }
    } else if (blocked) {
        gs_put4(t, GS_LOCK_ACQUIRE, GS_LOCK_CONTENDED | GS_LOCK_GAVE_UP, id, when, site, 0, 0, 0);
    }
    return result;
}

static PyObject *release(const patched *p, const call_args *c, int all) {
    gs_thread *t = gs_recording ? gs_thread_current() : NULL;
    if (!t) return call_original(p, c);
    lock_entry *e = lookup(c->self);
    if (e && !all && p->kind == GS_KIND_RLOCK && e->holder == t->slot && e->depth > 1) {
        PyObject *result = call_original(p, c);
        if (result && (e = lookup(c->self))) e->depth--;
        return result;
    }
    /* The entry says free before the real release: once released, another
     * thread may take it and name itself holder (at once, without a GIL), and
     * that must not be undone here. */
    uint32_t id = 0, was_holder = 0, was_depth = 0, was_site = 0;
    int reported = 0;
    if (e) {
        id = e->id;
        reported = !e->internal && e->generation == generation;
        was_holder = e->holder;
        was_depth = e->depth;
        was_site = e->hold_site;
        e->holder = 0;
        e->depth = 0;
    }
    /* stamped before the real release: a waiter obtains the lock inside it,
     * and its acquire must not appear to precede this release */
    uint64_t when = gs_ticks();
    t->releasing_ticks = when;
    t->releasing_park = park_address(p, c->self);
    PyObject *result = call_original(p, c);
    t->releasing_park = NULL;
    if (!result) {
        /* not released (it was not held): as it was, unless taken since */
        if (e && (e = lookup(c->self)) && e->holder == 0) {
            e->holder = was_holder;
            e->depth = was_depth;
            e->hold_site = was_site;
        }
        return result;
    }
    if (e && reported) {
        /* where it was let go: with the acquiring line, the span of the
         * critical section */
        uint32_t site = gs_pyframe_site(t, PyThreadState_Get());
        if (!gs_quiet_lock_released(t, id, when, site)) gs_put4(t, GS_LOCK_RELEASE, 0, id, when, site, 0, 0, 0);
    }
    return result;
}

/* 3.13's Thread.join waits in _ThreadHandle.join, in C, on no lock. */
static PyObject *handle_join(const patched *p, const call_args *c) {
    gs_thread *t = gs_recording ? gs_thread_current() : NULL;
    if (!t) return call_original(p, c);
    PyThreadState *ts = PyThreadState_Get();
    lock_entry *e = entry_of(t, ts, c->self, GS_KIND_THREAD, 0);
    if (!e) return call_original(p, c);
    uint32_t id = e->id;
    call_origin o;
    find_origin(t, ts, &o);
    gs_put4(t, GS_LOCK_WAIT, GS_WAIT_JOIN, id, gs_ticks(), o.site, 0, 0, 0);
    t->event_wait_depth++;
    PyObject *result = call_original(p, c);
    t->event_wait_depth--;
    gs_put(t, GS_LOCK_WAIT_END, result ? 0 : GS_LOCK_GAVE_UP, id, gs_ticks());
    return result;
}

static PyObject *dispatch(const patched *p, const call_args *c) {
    switch (p->role) {
    case ROLE_JOIN: return handle_join(p, c);
    case ROLE_ACQUIRE: return acquire(p, c, 0);
    case ROLE_RELEASE: return release(p, c, 0);
    case ROLE_RELEASE_SAVE: return release(p, c, 1);
    case ROLE_ACQUIRE_RESTORE: {
        /* state = (count, owner): the RLock comes back at its old depth */
        PyObject *state = c->args ? (PyTuple_GET_SIZE(c->args) ? PyTuple_GET_ITEM(c->args, 0) : NULL)
                                  : (c->nargs ? c->fargs[0] : NULL);
        long depth = state && PyTuple_Check(state) && PyTuple_GET_SIZE(state) > 0
                         ? PyLong_AsLong(PyTuple_GET_ITEM(state, 0)) : 1;
        if (depth < 1) { PyErr_Clear(); depth = 1; }
        return acquire(p, c, (int)depth);
    }
    }
    return call_original(p, c);
}

/* One C function per patched method and calling convention: the table below
 * picks the one matching the original's flags. */
#define MAX_PATCHED 20
static patched patches[MAX_PATCHED];

#define WRAPPERS(N)                                                                                      \
    static PyObject *w##N##_noargs(PyObject *s, PyObject *u) {                                          \
        (void)u; call_args c = {.self = s}; return dispatch(&patches[N], &c); }                          \
    static PyObject *w##N##_o(PyObject *s, PyObject *a) {                                               \
        PyObject *one[1] = {a}; call_args c = {.self = s, .fargs = one, .nargs = 1};                     \
        return dispatch(&patches[N], &c); }                                                              \
    static PyObject *w##N##_varargs(PyObject *s, PyObject *a) {                                         \
        call_args c = {.self = s, .args = a}; return dispatch(&patches[N], &c); }                        \
    static PyObject *w##N##_varkw(PyObject *s, PyObject *a, PyObject *k) {                              \
        call_args c = {.self = s, .args = a, .kw = k}; return dispatch(&patches[N], &c); }               \
    static PyObject *w##N##_fast(PyObject *s, PyObject *const *a, Py_ssize_t n) {                       \
        call_args c = {.self = s, .fargs = a, .nargs = n}; return dispatch(&patches[N], &c); }           \
    static PyObject *w##N##_fastkw(PyObject *s, PyObject *const *a, Py_ssize_t n, PyObject *k) {        \
        call_args c = {.self = s, .fargs = a, .nargs = n, .kwnames = k}; return dispatch(&patches[N], &c); }

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

static void forget(PyObject *object) {
    lock_table();
    lock_entry *e = find(object);
    if (e) {
        e->object = TOMBSTONE;
        used--;
    }
    unlock_table();
}

#define DEALLOC(N) static void dealloc##N(PyObject *o) { forget(o); dealloc_originals[N](o); }
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

/* ---- creation: the lock factories, so a lock is named by the line that made it ---- */

static void register_new(PyObject *lock, uint8_t kind) {
    gs_thread *t = gs_recording && lock ? gs_thread_current() : NULL;
    if (t) entry_of(t, PyThreadState_Get(), lock, kind, 1);
}

#define MAX_FACTORIES 4
static PyObject *factory_originals[MAX_FACTORIES];
static PyObject *factory_modules[MAX_FACTORIES];
static PyMethodDef factory_defs[MAX_FACTORIES];

#define FACTORY(N)                                                                      \
    static PyObject *factory##N(PyObject *self, PyObject *const *args, Py_ssize_t n) {  \
        (void)self;                                                                     \
        PyObject *lock = PyObject_Vectorcall(factory_originals[N], args, (size_t)n, NULL); \
        register_new(lock, GS_KIND_LOCK);                                               \
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

/* threading, when imported before recording began, holds the originals as
 * Lock (up to 3.12) and _allocate_lock. */
static void rebind_threading(PyObject *thread_module) {
    PyObject *threading = PyDict_GetItemString(PyImport_GetModuleDict(), "threading"); /* borrowed */
    if (!threading) return;
    const char *names[] = {"Lock", "_allocate_lock"};
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        PyObject *value = PyObject_GetAttrString(threading, names[k]);
        if (!value) { PyErr_Clear(); continue; }
        for (int i = 0; i < factory_count; i++) {
            if (value != factory_originals[i]) continue;
            PyObject *wrapper = PyObject_GetAttrString(thread_module, factory_defs[i].ml_name);
            if (wrapper && PyObject_SetAttrString(threading, names[k], wrapper) < 0) PyErr_Clear();
            Py_XDECREF(wrapper);
            break;
        }
        Py_DECREF(value);
    }
    PyErr_Clear();
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
        register_new(lock, new_kinds[N]);                                               \
        return lock;                                                                    \
    }
NEW(0) NEW(1) NEW(2) NEW(3)
static const newfunc news[MAX_NEW] = {new0, new1, new2, new3};

static void patch_new(PyTypeObject *type, uint8_t kind) {
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

/* ---- installation ---- */

static int patch_type(PyTypeObject *type, uint8_t kind, int reentrant) {
    patch_dealloc(type);
    patch_new(type, kind);
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
        if (wrap_factory(module, "allocate_lock") < 0 || wrap_factory(module, "allocate") < 0) return -1;
        rebind_threading(module);
    }
    return 0;
}

void gs_locks_new_file(void) { __atomic_add_fetch(&generation, 1, __ATOMIC_RELAXED); }

void gs_locks_after_fork_child(void) {
    spin = 0;
    generation++;
}

/* ---- putting it all back (recording stops while the process goes on) ---- */

/* threading's names that hold one of our factories get the original again. */
static void unbind_threading(void) {
    PyObject *threading = PyDict_GetItemString(PyImport_GetModuleDict(), "threading"); /* borrowed */
    if (!threading) return;
    const char *names[] = {"Lock", "_allocate_lock"};
    for (size_t k = 0; k < sizeof names / sizeof names[0]; k++) {
        PyObject *value = PyObject_GetAttrString(threading, names[k]);
        if (!value) { PyErr_Clear(); continue; }
        for (int i = 0; i < factory_count; i++) {
            if (!PyCFunction_Check(value) || ((PyCFunctionObject *)value)->m_ml != &factory_defs[i]) continue;
            if (PyObject_SetAttrString(threading, names[k], factory_originals[i]) < 0) PyErr_Clear();
            break;
        }
        Py_DECREF(value);
    }
}

void gs_locks_uninstall(void) {
    unbind_threading();
    for (int i = 0; i < factory_count; i++) {
        if (PyObject_SetAttrString(factory_modules[i], factory_defs[i].ml_name, factory_originals[i]) < 0) PyErr_Clear();
    }
    for (int i = 0; i < patch_count; i++) {
        patched *p = &patches[i];
        if (!p->type || !p->original_descr) continue;
        if (PyDict_SetItemString(p->type->tp_dict, p->method, p->original_descr) < 0) PyErr_Clear();
        p->active = 0;
        PyType_Modified(p->type);
    }
    for (int i = 0; i < MAX_NEW && new_types[i]; i++) new_types[i]->tp_new = new_originals[i];
    for (int i = 0; i < MAX_TYPES && dealloc_types[i]; i++) dealloc_types[i]->tp_dealloc = dealloc_originals[i];
    /* the wrappers' own code stays loaded: a call already inside one finishes, passing through */
}
