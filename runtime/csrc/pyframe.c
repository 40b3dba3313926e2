/* Where a thread stands in Python, read by the thread itself when it gets the
 * GIL back (shared/docs/gil-internals.md, "The Python location"), and the
 * SITE and STRING definitions that name it in the recording.
 *
 * Sites are keyed by (code object, instruction offset). The first time a key
 * is seen the code object gets a reference (so its address cannot be reused
 * while the table names it) and its file, function and line are resolved and
 * written; after that a lookup is a hash probe, and a repeat of the thread's
 * previous key costs two compares. Nothing here allocates Python objects: it
 * runs inside take_gil before the thread state is current again. Frames are
 * read through the version layer (cpython.h). */
#include "cpython.h"

#include <stdlib.h>
#include <string.h>

#include "pyframe.h"

typedef struct {
    const void *key; /* code object (sites) or str object (strings) */
    int offset;
    uint32_t id;
    uint32_t generation; /* the file generation in which `id` was defined */
} entry;

typedef struct {
    entry *slots;
    size_t capacity; /* a power of two */
    size_t used;
    uint32_t next_id;
} table;

static table sites, strings;
static uint32_t generation = 1;
static int spin;

static void lock_tables(void) {
    while (__atomic_exchange_n(&spin, 1, __ATOMIC_ACQUIRE))
        while (__atomic_load_n(&spin, __ATOMIC_RELAXED)) __builtin_ia32_pause();
}
static void unlock_tables(void) { __atomic_store_n(&spin, 0, __ATOMIC_RELEASE); }

static size_t hash_key(const void *key, int offset) {
    uint64_t h = (uint64_t)(uintptr_t)key * 0x9E3779B97F4A7C15ull ^ (uint64_t)(uint32_t)offset * 0xC2B2AE3D27D4EB4Full;
    return (size_t)(h ^ (h >> 29));
}

/* The entry for (key, offset), inserted when absent. NULL when out of memory. */
static entry *find_or_insert(table *tb, const void *key, int offset, int *inserted) {
    if ((tb->used + 1) * 2 > tb->capacity) {
        size_t capacity = tb->capacity ? tb->capacity * 2 : 1024;
        entry *slots = calloc(capacity, sizeof(entry));
        if (!slots) return NULL;
        for (size_t i = 0; i < tb->capacity; i++) {
            if (!tb->slots[i].key) continue;
            size_t j = hash_key(tb->slots[i].key, tb->slots[i].offset) & (capacity - 1);
            while (slots[j].key) j = (j + 1) & (capacity - 1);
            slots[j] = tb->slots[i];
        }
        free(tb->slots);
        tb->slots = slots;
        tb->capacity = capacity;
    }
    size_t j = hash_key(key, offset) & (tb->capacity - 1);
    while (tb->slots[j].key) {
        if (tb->slots[j].key == key && tb->slots[j].offset == offset) {
            *inserted = 0;
            return &tb->slots[j];
        }
        j = (j + 1) & (tb->capacity - 1);
    }
    entry *e = &tb->slots[j];
    e->key = key;
    e->offset = offset;
    e->id = ++tb->next_id;
    e->generation = 0;
    tb->used++;
    *inserted = 1;
    return e;
}

/* UTF-8 of a str without creating objects. */
static size_t utf8_of(PyObject *s, char *out, size_t cap) {
    if (!s || !PyUnicode_Check(s) || !gs_str_readable(s)) return 0;
    Py_ssize_t n = PyUnicode_GET_LENGTH(s);
    if (PyUnicode_IS_COMPACT_ASCII(s)) {
        size_t len = (size_t)n < cap ? (size_t)n : cap;
        memcpy(out, PyUnicode_DATA(s), len);
        return len;
    }
    int kind = PyUnicode_KIND(s);
    const void *data = PyUnicode_DATA(s);
    size_t len = 0;
    for (Py_ssize_t i = 0; i < n && len + 4 <= cap; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c < 0x80) out[len++] = (char)c;
        else if (c < 0x800) { out[len++] = (char)(0xC0 | (c >> 6)); out[len++] = (char)(0x80 | (c & 0x3F)); }
        else if (c < 0x10000) {
            out[len++] = (char)(0xE0 | (c >> 12)); out[len++] = (char)(0x80 | ((c >> 6) & 0x3F));
            out[len++] = (char)(0x80 | (c & 0x3F));
        } else {
            out[len++] = (char)(0xF0 | (c >> 18)); out[len++] = (char)(0x80 | ((c >> 12) & 0x3F));
            out[len++] = (char)(0x80 | ((c >> 6) & 0x3F)); out[len++] = (char)(0x80 | (c & 0x3F));
        }
    }
    return len;
}

/* The id of a str, defining it in this file when needed. Tables locked. */
static uint32_t string_id(gs_thread *t, PyObject *s) {
    int inserted;
    entry *e = find_or_insert(&strings, s, 0, &inserted);
    if (!e) return 0;
    if (e->generation != generation) {
        char buf[4000];
        size_t n = utf8_of(s, buf, sizeof buf);
        if (gs_put_string(t, e->id, buf, n)) e->generation = generation;
    }
    return e->id;
}

static uint32_t define_site(gs_thread *t, PyCodeObject *code, int offset) {
    int inserted;
    entry *e = find_or_insert(&sites, code, offset, &inserted);
    if (!e) return 0;
    if (inserted) Py_INCREF(code); /* keeps the address from being reused */
    if (e->generation != generation) {
        PyObject *function = gs_code_name(code);
        uint32_t file_id = string_id(t, code->co_filename);
        uint32_t function_id = string_id(t, function);
        gs_slot *s = gs_stage(t);
        if (s) {
            uint32_t *payload = (uint32_t *)(s + 1);
            payload[0] = file_id;
            payload[1] = function_id;
            payload[2] = (uint32_t)PyCode_Addr2Line(code, offset);
            payload[3] = (uint32_t)code->co_firstlineno;
            gs_publish(t, s, GS_SITE, 1, 0, e->id, gs_ticks());
            e->generation = generation;
        }
    }
    return e->id;
}

uint32_t gs_pyframe_site_of(gs_thread *t, PyCodeObject *code, int offset) {
    if (!code) return 0; /* no Python frame: site 0 */
    lock_tables();
    uint32_t site = define_site(t, code, offset);
    unlock_tables();
    return site;
}

uint32_t gs_pyframe_site(gs_thread *t, void *tstate) {
    gs_frame f;
    if (!gs_frame_innermost(tstate, &f)) return 0;
    if (f.code == t->last_code && f.offset == t->last_offset) return t->last_site;
    uint32_t site = gs_pyframe_site_of(t, f.code, f.offset);
    t->last_code = f.code;
    t->last_offset = f.offset;
    t->last_site = site;
    return site;
}

uint32_t gs_pyframe_c_string(gs_thread *t, const char *text) {
    if (!text) return 0;
    lock_tables();
    int inserted;
    entry *e = find_or_insert(&strings, text, -1, &inserted); /* offset -1: keyed by a C string, not a str */
    uint32_t id = 0;
    if (e) {
        id = e->id;
        if (e->generation != generation && gs_put_string(t, id, text, strnlen(text, 256))) e->generation = generation;
    }
    unlock_tables();
    return id;
}

uint32_t gs_pyframe_new_string(gs_thread *t, PyObject *s) {
    lock_tables();
    uint32_t id = ++strings.next_id;
    unlock_tables();
    char buf[4000];
    size_t n = utf8_of(s, buf, sizeof buf);
    return gs_put_string(t, id, buf, n) ? id : 0;
}

void gs_pyframe_new_file(void) { __atomic_add_fetch(&generation, 1, __ATOMIC_RELAXED); }

void gs_pyframe_after_fork_child(void) {
    spin = 0;
    generation++;
}
