/* Lock, Condition and queue contention at the lock objects (locks.c; the
 * lock table, locktable.c; the patched methods, lockpatch.c; the wrapped lock
 * makers, lockmakers.c). */
#ifndef GILSCOPE_LOCKS_H
#define GILSCOPE_LOCKS_H

/* Lock kinds (LOCK_NEW flags) and wait kinds (LOCK_WAIT flags): FORMAT.md. */
enum {
    GS_KIND_LOCK = 1, GS_KIND_RLOCK = 2, GS_KIND_CONDITION = 3, GS_KIND_SEMAPHORE = 4,
    GS_KIND_BOUNDED_SEMAPHORE = 5, GS_KIND_EVENT = 6, GS_KIND_QUEUE = 7, GS_KIND_FUTURE = 8,
    GS_KIND_THREAD = 9, GS_KIND_MULTIPROCESSING = 10,
    /* free-threaded builds: an object's own lock (critical sections), named by its type;
     * a lock inside CPython that no Python object names */
    GS_KIND_OBJECT = 11, GS_KIND_INTERNAL = 12,
};
enum {
    GS_WAIT_ACQUIRE = 0, GS_WAIT_CONDITION = 1, GS_WAIT_EVENT = 2, GS_WAIT_QUEUE_GET = 3,
    GS_WAIT_QUEUE_PUT = 4, GS_WAIT_FUTURE = 5, GS_WAIT_JOIN = 6,
};
#define GS_LOCK_CONTENDED 0x1u
#define GS_LOCK_GAVE_UP 0x2u

/* Patches the lock types a module defines (_thread, _multiprocessing) and,
 * for _thread, its lock factories. 0, or -1 with a Python error set. */
int gs_locks_install_module(PyObject *module);

/* A forked child: its file defines the locks again, and the table's lock (a
 * parent's thread may have held it) is free. */
void gs_locks_after_fork_child(void);
/* A new recording file: each lock is defined again (LOCK_NEW) when next seen. */
void gs_locks_new_file(void);

/* Puts back every method, factory, tp_new and tp_dealloc replaced (recording
 * stops while the process goes on). With the GIL held. */
void gs_locks_uninstall(void);

/* The lock id of an object waited on in the parking lot (free-threaded
 * builds): `kind` GS_KIND_OBJECT named by its type's `type_name`, or
 * GS_KIND_INTERNAL (type_name NULL). A new address, or the same address with
 * another type (a new object), gets a new id and a LOCK_NEW. 0 when the table
 * is full. */
uint32_t gs_locks_object_id(gs_thread *t, const void *object, uint8_t kind, const char *type_name);

/* The lock being acquired (t->pending_lock_id) has made the thread block:
 * LOCK_WAIT, stamped when the acquire began (a free-threaded build spins
 * before it blocks: that is waiting too). */
void gs_locks_blocked(gs_thread *t);

/* The calling thread is inside a wait that is not contention (Condition,
 * Event, queue, join): what it parks on is not a lock it contends for. */
int gs_locks_in_event_wait(const gs_thread *t);

#endif
