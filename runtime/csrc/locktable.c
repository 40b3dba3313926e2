/* The lock table: object address -> identity and current holder, for every
 * lock the wrappers have seen (locks.c), behind a spinlock (no GIL on a
 * free-threaded build). A table outgrown is retired, never freed: a reader
 * may still be in it. The generation counter says which entries the current
 * recording file has defined. */
#include "locktable.h"

#include <stdlib.h>
#include <string.h>

#include "locks.h"

#define TOMBSTONE ((const void *)1)

lock_entry *gs_locktable_entries;
size_t gs_locktable_capacity;
static size_t used;
static uint32_t next_lock_id;
uint32_t gs_locktable_generation = 1;
int gs_locktable_spin;

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
    size_t n = gs_locktable_capacity ? gs_locktable_capacity * 2 : 4096;
    lock_entry *old = gs_locktable_entries;
    size_t old_capacity = gs_locktable_capacity;
    gs_locktable_entries = calloc(n, sizeof *gs_locktable_entries);
    if (!gs_locktable_entries) { gs_locktable_entries = old; return 0; }
    gs_locktable_capacity = n;
    used = 0;
    for (size_t i = 0; i < old_capacity; i++) {
        if (!old[i].object || old[i].object == TOMBSTONE) continue;
        size_t j = gs_locktable_slot_of(old[i].object);
        while (gs_locktable_entries[j].object) j = (j + 1) & (gs_locktable_capacity - 1);
        gs_locktable_entries[j] = old[i];
        used++;
    }
    /* Not freed: without a GIL another thread may be reading an entry of the
     * old table right now. The tables retired add up to less than the live one. */
    retire(old);
    return 1;
}

lock_entry *gs_locktable_insert(const void *object) {
    if ((used + 1) * 2 > gs_locktable_capacity && !grow()) return NULL;
    size_t i = gs_locktable_slot_of(object);
    while (gs_locktable_entries[i].object && gs_locktable_entries[i].object != TOMBSTONE)
        i = (i + 1) & (gs_locktable_capacity - 1);
    lock_entry *e = &gs_locktable_entries[i];
    memset(e, 0, sizeof *e);
    e->object = object;
    e->id = ++next_lock_id;
    used++;
    return e;
}

void gs_locktable_remove(lock_entry *e) {
    e->object = TOMBSTONE;
    used--;
}

/* ---- forgetting dead locks, so that a reused address is a new lock ---- */

void gs_locktable_forget(PyObject *object) {
    gs_locktable_lock();
    lock_entry *e = gs_locktable_find(object);
    if (e) gs_locktable_remove(e);
    gs_locktable_unlock();
}

void gs_locks_new_file(void) { __atomic_add_fetch(&gs_locktable_generation, 1, __ATOMIC_RELAXED); }

void gs_locks_after_fork_child(void) {
    gs_locktable_spin = 0;
    gs_locktable_generation++;
}
