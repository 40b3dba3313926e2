/* What a thread waits on when it blocks in the parking lot of a free-threaded
 * build, and for how long, by the line it waits at: every blocking wait of
 * such a build is a parking-lot sleep (wakes.c sees its start and end), and
 * the address parked on says what it waits for:
 *
 *   - a threading Lock or RLock the lock wrappers are acquiring (locks.c says
 *     which): LOCK_WAIT, and the wrapper writes the LOCK_ACQUIRE;
 *   - its own thread state: the thread is stopped by a stop-the-world pause
 *     (STW_WAIT ... STW_END); the stop event of its interpreter or of the
 *     runtime: it asked for the pause and waits for the others to stop;
 *   - the mutex in an object's header, which critical sections take (dict,
 *     list, set... operations): a wait on that object, named by its type, its
 *     LOCK_ACQUIRE (tentative: parked again on the same object, it is
 *     retracted and the wait goes on) carrying who woke it and from where;
 *   - anything else: a lock inside CPython, recorded the same way by address.
 *
 * Everything here runs in the waiting thread itself, before it sleeps and
 * after it wakes; it reads only its own frames and, to name an object's type,
 * memory that is checked first (saferead.c). On a build with a GIL nothing
 * here runs: a lock wait is seen as the GIL being let go (gilhooks.c). */
#include "cpython.h" /* Python.h before any system header */
#include "parks.h"

#include <string.h>

#include "locks.h"
#include "pyframe.h"
#include "saferead.h"

enum { PARK_NONE = 0, PARK_LOCK, PARK_OBJECT, PARK_STW };

static int active;

void gs_parks_configure(int free_threaded) { active = free_threaded; }

/* The thread's own state, also while it is detached (parked with detach:
 * the current thread state is cleared then, the thread's own is not). */
static PyThreadState *own_tstate(void) {
    PyThreadState *ts = gs_tstate_unchecked();
    return ts ? ts : PyGILState_GetThisThreadState();
}

static uint32_t own_site(gs_thread *t) {
    PyThreadState *ts = own_tstate();
    return ts ? gs_pyframe_site(t, ts) : 0;
}

#ifndef Py_TPFLAGS_TYPE_SUBCLASS
#define Py_TPFLAGS_TYPE_SUBCLASS (1UL << 31)
#endif

/* The tp_name of the type of `object` if `object` is a Python object (its
 * type's type is a type), else NULL. Read without trusting the memory. */
static const char *object_type_name(const void *object) {
    if (!object || ((uintptr_t)object & 7)) return NULL;
    const char *type = NULL, *metatype = NULL, *name = NULL;
    unsigned long flags = 0;
    if (gs_safe_read(&type, (const char *)object + gs_offset_ob_type(), sizeof type) != 0 || !type || ((uintptr_t)type & 7))
        return NULL;
    if (gs_safe_read(&metatype, type + gs_offset_ob_type(), sizeof metatype) != 0 || !metatype || ((uintptr_t)metatype & 7))
        return NULL;
    if (gs_safe_read(&flags, metatype + gs_offset_tp_flags(), sizeof flags) != 0 || !(flags & Py_TPFLAGS_TYPE_SUBCLASS))
        return NULL;
    if (gs_safe_read(&name, type + gs_offset_tp_name(), sizeof name) != 0 || !name) return NULL;
    char probe;
    return gs_safe_read(&probe, name, 1) == 0 ? name : NULL;
}

static void stw_wait(gs_thread *t, uint16_t flags) {
    gs_put4(t, GS_STW_WAIT, flags, 0, gs_ticks(), own_site(t), 0, 0, 0);
    t->park_kind = PARK_STW;
    t->park_lock = flags;
}

void gs_park_begin(gs_thread *t, const void *addr) {
    if (!active || !t || gs_thread_finished(t) || !t->slot || t->park_kind != PARK_NONE) return;
    t->woken_by_slot = t->woken_by_site = 0;
    t->woken_ticks = 0;
    t->park_addr = addr;
    if (t->pending_lock_id) {
        /* a threading lock being acquired; with the GIL on its release said so already, and
         * without one its detaching may have (attachment.c) */
        if (!t->lock_blocked) gs_locks_blocked(t);
        t->lock_parked = 1;
        t->park_kind = PARK_LOCK;
        return;
    }
    if (gs_locks_in_event_wait(t)) return; /* a Condition, Event, queue or join wait: locks.c writes it */
    PyThreadState *ts = own_tstate();
    if (ts && addr == gs_tstate_park_address(ts)) {
        stw_wait(t, 0);
        return;
    }
    if (ts && (addr == gs_stop_event_of_interp(ts) || addr == gs_stop_event_of_runtime())) {
        stw_wait(t, GS_STW_REQUESTER);
        return;
    }
    /* parked again on what it waited for (woken, but another thread got it first): the same wait */
    if (t->park_acquired && t->park_acquired_addr == addr && gs_is_last(t, t->park_acquired)) {
        gs_retract(t, t->park_acquired);
        t->park_acquired = NULL;
        t->park_kind = PARK_OBJECT;
        return;
    }
    t->park_acquired = NULL;
    const void *object = gs_object_of_mutex(addr);
    const char *type_name = object_type_name(object);
    uint32_t id = type_name ? gs_locks_object_id(t, object, GS_KIND_OBJECT, type_name)
                            : gs_locks_object_id(t, addr, GS_KIND_INTERNAL, NULL);
    if (!id) return;
    t->park_site = own_site(t);
    gs_put4(t, GS_LOCK_WAIT, GS_WAIT_ACQUIRE, id, gs_ticks(), t->park_site, 0, 0, 0);
    t->park_kind = PARK_OBJECT;
    t->park_lock = id;
}

void gs_park_end(gs_thread *t, int timed_out) {
    if (!active || !t || t->park_kind == PARK_NONE) return;
    uint64_t now = gs_ticks();
    uint32_t waker = __atomic_load_n(&t->woken_by_slot, __ATOMIC_ACQUIRE), waker_site = t->woken_by_site;
    switch (t->park_kind) {
    case PARK_LOCK:
        /* the lock wrapper stamps the acquire when the thread asked to go on: now, without a GIL */
        t->resume_ticks = now;
        break;
    case PARK_STW: {
        /* the wake's time tells the pause: every thread it stopped is woken by one start of the world */
        uint64_t woken = waker ? t->woken_ticks : 0;
        gs_put4(t, GS_STW_END, (uint16_t)t->park_lock, 0, now, waker, waker_site, (uint32_t)woken, (uint32_t)(woken >> 32));
        break;
    }
    case PARK_OBJECT:
        t->park_acquired = gs_put4_tentative(t, GS_LOCK_ACQUIRE, timed_out ? GS_LOCK_CONTENDED | GS_LOCK_GAVE_UP : GS_LOCK_CONTENDED,
                                             t->park_lock, now, t->park_site, waker, waker_site, 0);
        t->park_acquired_addr = t->park_addr;
        break;
    default:
        break;
    }
    t->park_kind = PARK_NONE;
}

void gs_park_woken(gs_thread *poster, gs_thread *waiter) {
    if (!active || !poster || !waiter || gs_thread_finished(poster)) return;
    waiter->woken_by_site = own_site(poster);
    waiter->woken_ticks = gs_ticks();
    __atomic_store_n(&waiter->woken_by_slot, poster->slot, __ATOMIC_RELEASE);
}

void gs_park_spin(gs_thread *t) {
    if (!active || !t || gs_thread_finished(t) || !t->slot) return;
    t->spins++;
    t->spins_ever++;
    t->quiet_pending = 1; /* written with the summaries, before the thread's next lasting record */
}
