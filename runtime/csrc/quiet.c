/* Records that cost what they carry. An uncontended lock acquire and its
 * release, or a GIL release for I/O taken straight back with no one else
 * taking the GIL meanwhile, carry no contention: they are written
 * tentatively, and when the pair turns out quiet, while the first record is
 * still the thread's last and within the fold window, it is retracted and the
 * pair added to a summary (GIL_QUIET, LOCK_QUIET) that the thread writes before
 * its next lasting record, when it covers the summary window, or when it ends.
 * Every wait and every contended acquire stays a record of its own.
 * (FORMAT.md, "Tentative records, and the summaries that stand for them".) */
#include "quiet.h"

#include <stdlib.h>
#include <string.h>

#define MAX_TENTATIVE_LOCKS 4

/* The bounds of the LOCK_QUIET histogram's buckets, in ns (the last is open). */
static const uint32_t hold_buckets_ns[7] = {100, 250, 625, 1562, 3906, 9766, 24414};

struct gs_quiet {
    /* the tentative GIL_RELEASE, if any */
    gs_unit *gil_slot;
    uint64_t gil_ticks;
    uint32_t gil_takes;
    uint8_t gil_index;
    /* tentative LOCK_ACQUIREs, innermost last */
    struct {
        gs_unit *slot;
        uint32_t lock, site;
        uint64_t ticks;
        /* it was written with its site, which became the thread's acquire
         * site: retracted, the site before it is the thread's again */
        uint8_t named;
        uint32_t before_lock, before_site;
    } locks[MAX_TENTATIVE_LOCKS];
    int nlocks;
    /* the open GIL summary */
    int gil_open;
    uint8_t gil_summary_index;
    uint32_t gil_count, gil_released, gil_longest, gil_site;
    uint64_t gil_first, gil_last;
    /* the open lock summary */
    int lock_open;
    uint32_t lock_id, lock_count, lock_held, lock_longest, acq_site, rel_site;
    uint64_t lock_first, lock_last;
    uint16_t hist[8];
};

static struct gs_quiet *state_of(gs_thread *t) {
    if (!t->quiet) t->quiet = calloc(1, sizeof *t->quiet);
    return t->quiet;
}

void gs_quiet_free(gs_thread *t) {
    free(t->quiet);
    t->quiet = NULL;
    t->quiet_pending = 0;
    t->shadow_since = NULL;
}

static uint32_t clamp32(uint64_t v) { return v > 0xFFFFFFFFu ? 0xFFFFFFFFu : (uint32_t)v; }

static uint16_t summary_flags(void) { return gs_full_log ? GS_SUMMARISED : 0; }

/* One payload slot, stamped at the span's end (its last re-take): it may come
 * after tentative records stamped later, which readers allow (FORMAT.md). */
static void write_gil_summary(gs_thread *t, struct gs_quiet *q) {
    gs_slot *s = gs_stage(t);
    if (s) {
        uint32_t *p = (uint32_t *)(s + 1);
        p[0] = q->gil_count;
        p[1] = q->gil_released;
        p[2] = clamp32(q->gil_last - q->gil_first);
        p[3] = q->gil_longest;
        gs_publish(t, s, GS_GIL_QUIET, 1, (uint16_t)(q->gil_summary_index | summary_flags()), q->gil_site, q->gil_last);
    }
    q->gil_open = 0;
}

static void write_lock_summary(gs_thread *t, struct gs_quiet *q, uint64_t now) {
    gs_slot *s = gs_stage(t);
    if (s) {
        uint32_t *p = (uint32_t *)(s + 1);
        p[0] = q->lock_count;
        p[1] = q->lock_held;
        p[2] = q->lock_longest;
        p[3] = 0;
        uint64_t *span = (uint64_t *)(s + 2);
        span[0] = q->lock_first;
        span[1] = q->lock_last;
        uint32_t *sites = (uint32_t *)(s + 3);
        sites[0] = q->acq_site;
        sites[1] = q->rel_site;
        sites[2] = sites[3] = 0;
        memcpy(s + 4, q->hist, sizeof q->hist);
        gs_publish(t, s, GS_LOCK_QUIET, 4, summary_flags(), q->lock_id, now);
    }
    q->lock_open = 0;
}

/* A GIL summary must be written before the thread's next lasting record: its
 * span names the thread's GIL states up to then. A lock summary touches no
 * state but its lock's, so it stays open across other records until it has
 * covered the summary window (`every` or not: see gs_quiet_flush_all), which
 * saves a summary per contended event on a thread that alternates quiet and
 * contended ones. The lock's is stamped `at`, after the GIL's. */
static void write_summaries(gs_thread *t, struct gs_quiet *q, uint64_t at, int every) {
    int lock_due = q->lock_open && (every || at - q->lock_first > gs_summary_window_ticks);
    if (q->gil_open) write_gil_summary(t, q);
    if (lock_due) write_lock_summary(t, q, at);
}

static void write_spins(gs_thread *t, uint64_t at) {
    if (t->spins) { /* free-threaded: sched_yield spins before parking (parks.c) */
        gs_emit(t, GS_SPINS, 0, t->spins, at, NULL, 0);
        t->spins = 0;
    }
}

static int lock_summary_open(const gs_thread *t) { return t->quiet && t->quiet->lock_open; }

void gs_quiet_flush_before(gs_thread *t, uint64_t at) {
    struct gs_quiet *q = t->quiet;
    if (q) write_summaries(t, q, at, 0);
    write_spins(t, at);
    t->quiet_pending = lock_summary_open(t);
}

void gs_quiet_flush_all(gs_thread *t, uint64_t at) {
    struct gs_quiet *q = t->quiet;
    if (q) write_summaries(t, q, at, 1);
    write_spins(t, at);
    t->quiet_pending = 0;
}

void gs_quiet_flush_at(gs_thread *t, uint64_t ts) {
    struct gs_quiet *q = t->quiet;
    if (q) write_summaries(t, q, ts, 0);
    t->quiet_pending = t->spins != 0 || lock_summary_open(t);
}

void gs_quiet_gil_release(gs_thread *t, uint8_t gil, uint64_t ticks, uint32_t takes) {
    struct gs_quiet *q = gs_summarising ? state_of(t) : NULL;
    if (!q) {
        gs_put(t, GS_GIL_RELEASE, gil, 0, ticks);
        return;
    }
    q->gil_slot = gs_put_tentative(t, GS_GIL_RELEASE, gil, 0, ticks);
    q->gil_ticks = ticks;
    q->gil_takes = takes;
    q->gil_index = gil;
}

int gs_quiet_gil_retake(gs_thread *t, uint8_t gil, uint64_t ticks, uint32_t takes_now, uint32_t site, int waited) {
    struct gs_quiet *q = t->quiet;
    if (!q || !q->gil_slot) return 0;
    gs_unit *slot = q->gil_slot;
    q->gil_slot = NULL;
    uint64_t released = ticks - q->gil_ticks;
    if (waited || gil != q->gil_index || takes_now != q->gil_takes || ticks < q->gil_ticks ||
        released >= gs_fold_window_ticks || !gs_is_last(t, slot))
        return 0;
    gs_retract(t, slot); /* first: the summaries below go where it was */
    if (q->gil_open && (q->gil_site != site || q->gil_summary_index != gil ||
                        ticks - q->gil_first > gs_summary_window_ticks)) {
        write_gil_summary(t, q); /* a summary is one site and one window */
        t->shadow_since = NULL;
    }
    if (gs_full_log) gs_put_shadow(t, GS_GIL_ACQUIRE, (uint16_t)(gil | GS_ACQUIRE_NO_WAIT), site, ticks, 0, 0, 0, 0, 0);
    if (!q->gil_open) {
        q->gil_open = 1;
        q->gil_summary_index = gil;
        q->gil_site = site;
        q->gil_count = q->gil_released = q->gil_longest = 0;
        q->gil_first = q->gil_ticks;
    }
    q->gil_count++;
    q->gil_released = clamp32((uint64_t)q->gil_released + released);
    if (released > q->gil_longest) q->gil_longest = (uint32_t)released;
    q->gil_last = ticks;
    t->quiet_pending = 1;
    return 1;
}

void gs_quiet_lock_acquired(gs_thread *t, uint32_t lock, uint64_t ticks, uint32_t site) {
    struct gs_quiet *q = gs_summarising ? state_of(t) : NULL;
    if (!q || q->nlocks == MAX_TENTATIVE_LOCKS) {
        if (gs_put4(t, GS_LOCK_ACQUIRE, 0, lock, ticks, site, 0, 0, 0)) {
            t->acquire_lock = lock;
            t->acquire_site = site;
        }
        return;
    }
    /* a lock taken at the same line as last time needs no payload: half the
     * bytes of an acquire that stays (it was followed by a lasting record) */
    int named = !(t->acquire_lock == lock && t->acquire_site == site);
    gs_unit *s = named ? gs_put4_tentative(t, GS_LOCK_ACQUIRE, 0, lock, ticks, site, 0, 0, 0)
                       : gs_put_tentative(t, GS_LOCK_ACQUIRE, GS_LOCK_SAME_SITE, lock, ticks);
    if (!s) return;
    q->locks[q->nlocks].named = (uint8_t)named;
    q->locks[q->nlocks].before_lock = t->acquire_lock;
    q->locks[q->nlocks].before_site = t->acquire_site;
    if (named) {
        t->acquire_lock = lock;
        t->acquire_site = site;
    }
    q->locks[q->nlocks].slot = s;
    q->locks[q->nlocks].lock = lock;
    q->locks[q->nlocks].site = site;
    q->locks[q->nlocks].ticks = ticks;
    q->nlocks++;
}

static int hold_bucket(uint64_t ns) {
    for (int i = 0; i < 7; i++)
        if (ns < hold_buckets_ns[i]) return i;
    return 7;
}

int gs_quiet_lock_released(gs_thread *t, uint32_t lock, uint64_t ticks, uint32_t site) {
    struct gs_quiet *q = t->quiet;
    if (!q || q->nlocks == 0) return 0;
    int top = q->nlocks - 1;
    if (q->locks[top].lock != lock) {
        /* released out of order: that acquire is no longer foldable */
        for (int i = top; i >= 0; i--) {
            if (q->locks[i].lock != lock) continue;
            memmove(&q->locks[i], &q->locks[i + 1], (size_t)(q->nlocks - i - 1) * sizeof q->locks[0]);
            q->nlocks--;
            break;
        }
        return 0;
    }
    q->nlocks--;
    gs_unit *slot = q->locks[top].slot;
    uint64_t acquired = q->locks[top].ticks;
    uint64_t held = ticks - acquired;
    if (ticks < acquired || held >= gs_fold_window_ticks || !gs_is_last(t, slot)) return 0;
    uint32_t acq_site = q->locks[top].site;
    gs_retract(t, slot);
    if (q->locks[top].named) {
        t->acquire_lock = q->locks[top].before_lock;
        t->acquire_site = q->locks[top].before_site;
    }
    if (q->lock_open && (q->lock_id != lock || q->acq_site != acq_site || q->rel_site != site ||
                         ticks - q->lock_first > gs_summary_window_ticks)) {
        write_lock_summary(t, q, ticks);
        t->shadow_since = NULL;
    }
    if (gs_full_log) gs_put_shadow(t, GS_LOCK_RELEASE, 0, lock, ticks, 1, site, 0, 0, 0);
    if (!q->lock_open) {
        q->lock_open = 1;
        q->lock_id = lock;
        q->acq_site = acq_site;
        q->rel_site = site;
        q->lock_count = q->lock_held = q->lock_longest = 0;
        memset(q->hist, 0, sizeof q->hist);
        q->lock_first = acquired;
    }
    q->lock_count++;
    q->lock_held = clamp32((uint64_t)q->lock_held + held);
    if (held > q->lock_longest) q->lock_longest = (uint32_t)held;
    q->lock_last = ticks;
    int b = hold_bucket((uint64_t)((double)held / gs_ticks_per_ns));
    if (q->hist[b] < 0xFFFF) q->hist[b]++;
    t->quiet_pending = 1;
    return 1;
}
