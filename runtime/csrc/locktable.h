/* The lock table (locktable.c): object address -> identity and current
 * holder, for the lock files only (locks.c, lockpatch.c). */
#ifndef GILSCOPE_LOCKTABLE_H
#define GILSCOPE_LOCKTABLE_H

#include "cpython.h"

#include <stddef.h>
#include <stdint.h>

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

/* The table and its spinlock, read by the inline lookups below on every
 * acquire and release. Hidden: reached directly, as file statics are. */
#define GS_LOCKTABLE_HIDDEN __attribute__((visibility("hidden")))
extern lock_entry *gs_locktable_entries GS_LOCKTABLE_HIDDEN;
extern size_t gs_locktable_capacity GS_LOCKTABLE_HIDDEN; /* a power of two, or 0 before the first lock */
extern int gs_locktable_spin GS_LOCKTABLE_HIDDEN;
/* The recording file's generation: an entry whose generation differs has not
 * been defined (LOCK_NEW) in this file yet. Moved on by gs_locks_new_file and
 * in a forked child. */
extern uint32_t gs_locktable_generation GS_LOCKTABLE_HIDDEN;

static inline void gs_locktable_lock(void) {
    while (__atomic_exchange_n(&gs_locktable_spin, 1, __ATOMIC_ACQUIRE))
        while (__atomic_load_n(&gs_locktable_spin, __ATOMIC_RELAXED)) __builtin_ia32_pause();
}
static inline void gs_locktable_unlock(void) { __atomic_store_n(&gs_locktable_spin, 0, __ATOMIC_RELEASE); }

static inline size_t gs_locktable_slot_of(const void *object) {
    uint64_t h = (uint64_t)(uintptr_t)object * 0x9E3779B97F4A7C15ull;
    return (size_t)(h ^ (h >> 31)) & (gs_locktable_capacity - 1);
}

/* The entry of `object`, or NULL. With the table locked. */
static inline lock_entry *gs_locktable_find(const void *object) {
    if (!gs_locktable_capacity) return NULL;
    for (size_t i = gs_locktable_slot_of(object);; i = (i + 1) & (gs_locktable_capacity - 1)) {
        if (gs_locktable_entries[i].object == object) return &gs_locktable_entries[i];
        if (!gs_locktable_entries[i].object) return NULL;
    }
}

/* A new, zeroed entry for `object` with a new id; NULL when the table cannot
 * grow. With the table locked. */
lock_entry *gs_locktable_insert(const void *object);

/* Takes `e` out of the table. With the table locked. */
void gs_locktable_remove(lock_entry *e);

/* A dead lock's entry goes, so that a reused address is a new lock. Takes
 * the table's lock. */
void gs_locktable_forget(PyObject *object);

#endif
