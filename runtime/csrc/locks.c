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
 * the standard library's synchronisation modules.
 *
 * This file is where a call comes from and what the wrapped methods do. The
 * lock table is locktable.c; the replacing of the methods, lockpatch.c; the
 * wrapping of what makes a lock, lockmakers.c. */
#include "cpython.h"

#include <string.h>

#include "locks.h"
#include "locks_internal.h"
#include "locktable.h"
#include "pyframe.h"
#include "quiet.h"
#include "recorder.h"
#include "syncroles.h"

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
    /* an object is named by its type; a lock by its creation line, which the reader reads
     * (the name's STRING first: nothing is written while a record is staged) */
    uint32_t name = e->type_name ? gs_pyframe_c_string(t, e->type_name) : 0;
    gs_slot *s = gs_stage(t);
    if (!s) return;
    uint32_t *payload = (uint32_t *)(s + 1);
    payload[0] = site;
    payload[1] = name;
    *(uint64_t *)(payload + 2) = (uint64_t)(uintptr_t)object;
    gs_publish(t, s, GS_LOCK_NEW, 1, e->kind, e->id, gs_ticks());
    e->generation = gs_locktable_generation;
}

static lock_entry *lookup(PyObject *lock) {
    gs_locktable_lock();
    lock_entry *e = gs_locktable_find(lock);
    gs_locktable_unlock();
    return e;
}

/* The entry of a lock, registered now (created before recording began, or in
 * C) when unknown: its site is then where it was first seen. */
static lock_entry *entry_of(gs_thread *t, PyThreadState *ts, PyObject *lock, uint8_t primitive, int may_be_internal) {
    lock_entry *e = lookup(lock);
    if (e && e->generation == gs_locktable_generation) return e;
    if (e) {
        /* known, but this is a forked child's new file: define it again, as made where it was */
        uint32_t site = e->made_in ? gs_pyframe_site_of(t, e->made_in, e->made_at) : 0;
        if ((e = lookup(lock))) {
            if (e->internal) e->generation = gs_locktable_generation;
            else write_new(t, e, lock, site);
        }
        return e;
    }
    call_origin o;
    find_origin(t, ts, &o);
    gs_locktable_lock();
    e = gs_locktable_find(lock);
    if (!e) {
        e = gs_locktable_insert(lock);
        if (e) {
            e->kind = kind_made_by(o.role, primitive);
            /* the waiter lock that Condition.wait makes and blocks on */
            e->internal = may_be_internal && o.innermost_role == GS_ROLE_CONDITION_WAIT;
            e->made_in = o.code;
            e->made_at = o.offset;
        }
    }
    gs_locktable_unlock();
    if (e && !e->internal && e->generation != gs_locktable_generation) write_new(t, e, lock, o.site);
    else if (e) e->generation = gs_locktable_generation;
    return e;
}

void gs_locks_register_new(PyObject *lock, uint8_t kind) {
    gs_thread *t = gs_recording && lock ? gs_thread_current() : NULL;
    if (t) entry_of(t, PyThreadState_Get(), lock, kind, 1);
}

uint32_t gs_locks_object_id(gs_thread *t, const void *object, uint8_t kind, const char *type_name) {
    gs_locktable_lock();
    lock_entry *e = gs_locktable_find(object);
    if (e && (e->kind != kind || e->type_name != type_name)) {
        gs_locktable_remove(e); /* the address holds another object now */
        e = NULL;
    }
    int fresh = 0;
    if (!e && (e = gs_locktable_insert(object))) {
        e->kind = kind;
        e->type_name = type_name;
        fresh = 1;
    }
    uint32_t id = e ? e->id : 0;
    int define = e && (fresh || e->generation != gs_locktable_generation);
    gs_locktable_unlock();
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
    int wait_written = t->lock_blocked == 2;
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
        if (blocked && wait_written && !t->woken_by_slot && !t->woken_by_site)
            gs_put(t, GS_LOCK_ACQUIRE, GS_LOCK_CONTENDED, id, when); /* at its LOCK_WAIT's site (FORMAT.md) */
        else if (blocked)
            gs_put4(t, GS_LOCK_ACQUIRE, GS_LOCK_CONTENDED, id, when, site, t->woken_by_slot, t->woken_by_site, 0);
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

/* A LOCK_RELEASE at the site of the thread's last one of that lock written
 * with a site has none (FORMAT.md): a lock taken and let go in a loop, on
 * contention, costs one slot a release instead of two. */
static void put_release(gs_thread *t, uint32_t id, uint64_t when, uint32_t site) {
    if (t->release_lock && id == t->release_lock && site == t->release_site) {
        gs_put(t, GS_LOCK_RELEASE, 0, id, when);
        return;
    }
    if (gs_put4(t, GS_LOCK_RELEASE, 0, id, when, site, 0, 0, 0)) {
        t->release_lock = id;
        t->release_site = site;
    }
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
        reported = !e->internal && e->generation == gs_locktable_generation;
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
        if (!gs_quiet_lock_released(t, id, when, site)) put_release(t, id, when, site);
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

PyObject *gs_locks_dispatch(const patched *p, const call_args *c) {
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
