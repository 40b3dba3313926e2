/* The recording file of one process (runtime/FORMAT.md): its header page, and
 * the chunks that threads take as they write.
 *
 * The file is mapped MAP_SHARED in segments reserved with fallocate, so that
 * records are in the page cache the moment they are stored (a crash or a
 * SIGKILL loses nothing written) and a full disk is a counted loss instead of
 * a SIGBUS. Segments grow with the file: 64 KiB first, each next one as large
 * as the file so far, at most 1 MiB, so a short-lived process takes
 * kilobytes. A thread takes a 4 KiB chunk with one atomic add and fills it
 * alone (threads.c keeps the threads). */
#define _GNU_SOURCE
#include "recorder.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "budget.h"

/* The file grows by segments: 16, 16, 32, 64, 128, 256 chunks (the
 * GROWN_SEGMENTS after the first each as large as all before), then 256 at a
 * time. A larger last segment would leave more of the file's end unused:
 * with 8 MiB, a recording of 17 MB took 25 MB on disk. */
#define FIRST_SEGMENT_CHUNKS 16u    /* 64 KiB */
#define LARGEST_SEGMENT_CHUNKS 256u /* 1 MiB */
#define GROWN_SEGMENTS 5u           /* FIRST << (GROWN - 1) == LARGEST */
#define MAX_SEGMENTS 65536u         /* 64 GiB: reached, the recording stops as at its cap */

/* A tentative record is retracted only this soon after its time, and one
 * summary covers at most this long (FORMAT.md fold_window_ns, summary_window_ns). */
#define FOLD_WINDOW_NS 100000u
#define SUMMARY_WINDOW_NS 1000000u

int gs_use_tsc;
volatile int gs_recording;
volatile uint32_t gs_epoch;
int gs_summarising;
int gs_full_log;
uint64_t gs_fold_window_ticks;
uint64_t gs_summary_window_ticks;
double gs_ticks_per_ns = 1.0;

static int file_fd = -1;
static gs_file_header *header;
/* A forked child makes its file with its first record: one that execs another
 * program first (subprocess, a cluster engine's daemons) leaves no file. */
static int file_deferred;
static char *segments[MAX_SEGMENTS];
static pthread_mutex_t segment_mutex = PTHREAD_MUTEX_INITIALIZER;
static char directory[4096];
static gs_process_info process_info;

static uint64_t realtime_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* The TSC is used only where it is a clock: invariant across cores and
 * power states, and trusted by the kernel as its own clocksource. */
static int tsc_is_reliable(void) {
    if (getenv("GILSCOPE_CLOCK") && strcmp(getenv("GILSCOPE_CLOCK"), "monotonic") == 0) return 0;
    char source[64] = {0};
    int fd = open("/sys/devices/system/clocksource/clocksource0/current_clocksource", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    ssize_t n = read(fd, source, sizeof source - 1);
    close(fd);
    if (n <= 0) return 0;
    return strncmp(source, "tsc", 3) == 0;
}

static double measure_ticks_per_ns(void) {
    if (!gs_use_tsc) return 1.0;
    uint64_t n0 = gs_mono_ns(), t0 = __rdtsc();
    uint64_t n1;
    do { n1 = gs_mono_ns(); } while (n1 - n0 < 500000); /* 0.5 ms */
    uint64_t t1 = __rdtsc();
    return (double)(t1 - t0) / (double)(n1 - n0);
}

static void copy_text(char *dst, size_t size, const char *src) {
    if (!src) src = "";
    size_t n = strlen(src);
    if (n >= size) n = size - 1;
    memcpy(dst, src, n);
    dst[n] = 0;
}

/* A small file's first line into `dst` (NUL-terminated, newline dropped). */
static void read_line(const char *path, char *dst, size_t size) {
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    ssize_t n = read(fd, dst, size - 1);
    close(fd);
    if (n <= 0) return;
    dst[n] = 0;
    char *newline = strchr(dst, '\n');
    if (newline) *newline = 0;
}

static void read_cmdline(gs_file_header *h) {
    int fd = open("/proc/self/cmdline", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    ssize_t total = 0, n;
    while (total < (ssize_t)sizeof h->argv &&
           (n = read(fd, h->argv + total, sizeof h->argv - (size_t)total)) > 0)
        total += n;
    close(fd);
    uint32_t argc = 0;
    for (ssize_t i = 0; i < total; i++)
        if (h->argv[i] == 0) argc++;
    h->argc = argc;
    h->argv_bytes = (uint32_t)total;
}

/* How this process summarises (FORMAT.md, "Tentative records"): GILSCOPE_QUIET
 * unset or 1 summarises, 0 keeps every record, `both` keeps every record and
 * writes the summaries too (a testing aid). */
static void choose_summarising(void) {
    const char *quiet = getenv("GILSCOPE_QUIET");
    gs_summarising = !(quiet && strcmp(quiet, "0") == 0);
    gs_full_log = quiet && strcmp(quiet, "both") == 0;
}

static void fill_header(gs_file_header *hd, const gs_process_info *info, uint64_t start_real) {
    hd->format_version = GS_FORMAT_VERSION;
    hd->header_size = GS_HEADER_SIZE;
    hd->chunk_size = GS_CHUNK_SIZE;
    hd->slot_size = GS_UNIT_SIZE;
    hd->pid = (uint32_t)getpid();
    hd->ppid = (uint32_t)getppid();
    hd->clock_kind = gs_use_tsc ? GS_CLOCK_TSC : GS_CLOCK_MONOTONIC;
    hd->ticks_per_ns = measure_ticks_per_ns();
    hd->start_mono_ns = gs_mono_ns();
    hd->start_ticks = gs_ticks();
    hd->start_realtime_ns = start_real;
    hd->gil_mode = info->gil_mode;
    hd->python_hexversion = info->python_hexversion;
    hd->build_flags = info->build_flags;
    copy_text(hd->python_version, sizeof hd->python_version, info->python_version);
    copy_text(hd->python_build, sizeof hd->python_build, info->python_build);
    copy_text(hd->executable, sizeof hd->executable, info->executable);
    struct utsname names;
    if (uname(&names) == 0) copy_text(hd->host, sizeof hd->host, names.nodename);
    read_line("/proc/sys/kernel/random/boot_id", hd->boot_id, sizeof hd->boot_id);
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    hd->online_cpus = cpus > 0 ? (uint32_t)cpus : 0;
    hd->fold_window_ns = gs_summarising ? FOLD_WINDOW_NS : 0;
    hd->summary_window_ns = gs_summarising ? SUMMARY_WINDOW_NS : 0;
    hd->cap_bytes = gs_budget_cap();
    uint32_t flags = 0;
    if (gs_summarising) flags |= GS_REC_SUMMARISED;
    if (gs_full_log) flags |= GS_REC_FULL_LOG;
    if (info->attached) {
        flags |= GS_REC_ATTACHED;
        hd->attach_mono_ns = hd->start_mono_ns;
    }
    hd->recording_flags = flags;
    read_cmdline(hd);
    gs_ticks_per_ns = hd->ticks_per_ns;
    gs_fold_window_ticks = (uint64_t)(FOLD_WINDOW_NS * hd->ticks_per_ns);
    gs_summary_window_ticks = (uint64_t)(SUMMARY_WINDOW_NS * hd->ticks_per_ns);
}

static int map_file(const gs_process_info *info, char *path_out, size_t path_size) {
    uint64_t start_real = realtime_ns();
    if (!gs_budget_take(GS_HEADER_SIZE)) {
        errno = EFBIG;
        return -1; /* the recording is at its cap: this process is not recorded */
    }
    /* Made under a hidden name and given its own once the header is whole: a
     * process killed while it starts (a pool's worker ended early) leaves no
     * .gsr without a header, and a reader never meets one. */
    char path[4200], part[4200];
    snprintf(path, sizeof path, "%s/p%d-%llu.gsr", directory, (int)getpid(), (unsigned long long)start_real);
    snprintf(part, sizeof part, "%s/.p%d-%llu.gsr.part", directory, (int)getpid(), (unsigned long long)start_real);
    int fd = open(part, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) return -1;
    void *h = MAP_FAILED;
    if (ftruncate(fd, GS_HEADER_SIZE) != 0 ||
        (h = mmap(NULL, GS_HEADER_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0)) == MAP_FAILED) {
        unlink(part);
        close(fd);
        return -1;
    }
    memset(segments, 0, sizeof segments);
    fill_header(h, info, start_real);
    /* the magic last: a reader never sees a half-written header as valid */
    memcpy(((gs_file_header *)h)->magic, "GILSCOP", 7);
    __atomic_store_n(&((gs_file_header *)h)->magic[7], 'E', __ATOMIC_RELEASE);
    /* its name: a link, which never replaces what may be there, then the hidden one gone
     * (where the file system has no links, a rename: the folder is the user's own, 0700) */
    int named = link(part, path) == 0;
    if (!named && (errno == EPERM || errno == EOPNOTSUPP || errno == ENOSYS)) named = rename(part, path) == 0;
    if (!named) {
        int saved = errno;
        munmap(h, GS_HEADER_SIZE);
        unlink(part);
        close(fd);
        errno = saved;
        return -1;
    }
    unlink(part);
    file_fd = fd;
    header = h;
    if (path_out) copy_text(path_out, path_size, path);
    return 0;
}

/* A normal end: Py_RunMain returns to main(), and libc's exit() runs this.
 * The status is not visible from here (FORMAT.md: end_code -1). */
static void at_process_exit(void) {
    gs_recorder_settle();
    gs_recorder_mark_end(GS_END_EXIT, -1);
}

int gs_recorder_open(const gs_process_info *info, char *path_out, size_t path_size) {
    static int exit_handler_registered;
    if (!exit_handler_registered) exit_handler_registered = atexit(at_process_exit) == 0;
    gs_use_tsc = tsc_is_reliable();
    choose_summarising();
    copy_text(directory, sizeof directory, info->directory);
    process_info = *info;
    process_info.directory = directory;
    gs_budget_open(directory);
    gs_threads_init();
    if (map_file(info, path_out, path_size) != 0) return -1;
    __atomic_add_fetch(&gs_epoch, 1, __ATOMIC_RELEASE); /* threads of an earlier recording start again */
    gs_recording = 1;
    return 0;
}

/* Segment k holds chunks [segment_start(k), segment_start(k + 1)). */
static uint64_t segment_start(uint64_t k) {
    if (k == 0) return 0;
    if (k <= GROWN_SEGMENTS) return (uint64_t)FIRST_SEGMENT_CHUNKS << (k - 1);
    return ((uint64_t)FIRST_SEGMENT_CHUNKS << (GROWN_SEGMENTS - 1)) + (k - GROWN_SEGMENTS) * LARGEST_SEGMENT_CHUNKS;
}

static uint64_t segment_of(uint64_t chunk) {
    if (chunk < FIRST_SEGMENT_CHUNKS) return 0;
    uint64_t last_grown = (uint64_t)FIRST_SEGMENT_CHUNKS << (GROWN_SEGMENTS - 1); /* where segments stop growing */
    if (chunk < last_grown) /* segment k >= 1 of the growing ones starts at FIRST << (k - 1) */
        return (uint64_t)(63 - __builtin_clzll(chunk)) - (uint64_t)__builtin_ctz(FIRST_SEGMENT_CHUNKS) + 1;
    return GROWN_SEGMENTS + (chunk - last_grown) / LARGEST_SEGMENT_CHUNKS;
}

_Static_assert((FIRST_SEGMENT_CHUNKS << (GROWN_SEGMENTS - 1)) == LARGEST_SEGMENT_CHUNKS, "the growing segments end at the largest");

static char *segment(uint64_t k) {
    if (k >= MAX_SEGMENTS) {
        gs_recorder_stop_capped();
        return NULL;
    }
    char *p = __atomic_load_n(&segments[k], __ATOMIC_ACQUIRE);
    if (p) return p;
    pthread_mutex_lock(&segment_mutex);
    p = segments[k];
    if (!p && gs_recording) {
        uint64_t chunks = segment_start(k + 1) - segment_start(k);
        off_t offset = (off_t)(GS_HEADER_SIZE + segment_start(k) * GS_CHUNK_SIZE);
        off_t bytes = (off_t)(chunks * GS_CHUNK_SIZE);
        if (!gs_budget_take((uint64_t)bytes)) {
            pthread_mutex_unlock(&segment_mutex);
            gs_recorder_stop_capped();
            return NULL;
        }
        int rc = posix_fallocate(file_fd, offset, bytes);
        if (rc == EOPNOTSUPP || rc == EINVAL) rc = ftruncate(file_fd, offset + bytes) == 0 ? 0 : errno;
        if (rc == 0) {
            void *m = mmap(NULL, (size_t)bytes, PROT_READ | PROT_WRITE, MAP_SHARED, file_fd, offset);
            if (m != MAP_FAILED) {
                p = m;
                __atomic_store_n(&segments[k], p, __ATOMIC_RELEASE);
            }
        }
    }
    pthread_mutex_unlock(&segment_mutex);
    return p;
}

static void count_lost(void) {
    /* after the cap, what is not written is not lost: recording stopped */
    if (header && !(__atomic_load_n(&header->recording_flags, __ATOMIC_RELAXED) & GS_REC_CAPPED))
        __atomic_fetch_add(&header->lost_records, 1, __ATOMIC_RELAXED);
}

static int map_deferred_file(void) {
    pthread_mutex_lock(&segment_mutex);
    if (!header && file_deferred) {
        file_deferred = 0;
        if (map_file(&process_info, NULL, 0) != 0) gs_recording = 0;
    }
    pthread_mutex_unlock(&segment_mutex);
    return header != NULL;
}

static int new_chunk(gs_thread *t) {
    if (!gs_recording) return 0;
    if (!header && !map_deferred_file()) return 0;
    uint64_t index = __atomic_fetch_add(&header->chunks_allocated, 1, __ATOMIC_RELAXED);
    uint64_t k = segment_of(index);
    char *seg = segment(k);
    if (!seg) return 0;
    gs_chunk_header *c = (gs_chunk_header *)(seg + (index - segment_start(k)) * GS_CHUNK_SIZE);
    c->thread_slot = t->slot;
    c->ticks = gs_ticks();
    c->mono_ns = gs_mono_ns();
    c->sequence = t->sequence++;
    __atomic_store_n(&c->magic, GS_CHUNK_MAGIC, __ATOMIC_RELEASE);
    t->cur = (gs_unit *)c + GS_CHUNK_HEADER_UNITS;
    t->end = (gs_unit *)c + GS_UNITS_PER_CHUNK;
    t->base = c->ticks;
    return 1;
}

gs_unit *gs_room(gs_thread *t, unsigned units) {
    if (gs_thread_finished(t) || t->slot == 0 || t->epoch != gs_epoch) return NULL;
    if ((size_t)(t->end - t->cur) < units) {
        if (!new_chunk(t)) {
            t->cur = t->end = NULL;
            count_lost();
            return NULL;
        }
    }
    if (__builtin_expect(t->start_pending != 0, 0)) {
        /* the THREAD_START of a forked child's thread, kept until its file exists */
        uint64_t at = t->start_pending;
        t->start_pending = 0;
        gs_emit(t, GS_THREAD_START, t->start_flags, t->tid, at, NULL, 0);
        if ((size_t)(t->end - t->cur) < units) return gs_room(t, units);
    }
    return t->cur;
}

void gs_retract(gs_thread *t, gs_unit *u) {
    unsigned units = gs_units_of(u);
    if (gs_full_log) {
        /* flagged summarised where it is: a short record's compact flags bit 7, a long one's flags bit 14 */
        uint8_t *flag_byte = (uint8_t *)u + ((*(uint8_t *)u & GS_SHORT_FORM) ? 1 : 3);
        __atomic_fetch_or(flag_byte, (uint8_t)((*(uint8_t *)u & GS_SHORT_FORM) ? 0x80u : 0x40u), __ATOMIC_RELEASE);
        if (!t->shadow_since || t->shadow_since != u + units) t->shadow_since = u;
        return;
    }
    __atomic_store_n(u, (gs_unit)0, __ATOMIC_RELEASE); /* the end of the chunk's records again */
    /* and the rest of it gone: a shorter record written here next must not
     * leave old units after it that a reader could take for a record */
    if (units > 1) memset(u + 1, 0, (units - 1) * sizeof *u);
    t->cur = u;
}

void gs_put_shadow(gs_thread *t, uint8_t type, uint16_t flags, uint32_t arg, uint64_t ts, int with_payload,
                   uint32_t a, uint32_t b, uint32_t c, uint32_t d) {
    gs_unit *since = t->shadow_since;
    flags |= GS_SUMMARISED;
    if (with_payload) gs_write4(t, type, flags, arg, ts, a, b, c, d);
    else gs_emit(t, type, flags, arg, ts, NULL, 0);
    t->shadow_since = since; /* still nothing a normal run would keep since then */
}

int gs_put_string(gs_thread *t, uint32_t id, const char *utf8, size_t length) {
    /* always the long form: `extra` slots of bytes, the length in place of the time (not a base) */
    const size_t max_payload = (GS_UNITS_PER_CHUNK - GS_CHUNK_HEADER_UNITS - 2) * GS_UNIT_SIZE / GS_SLOT_SIZE * GS_SLOT_SIZE;
    if (length > max_payload) length = max_payload;
    unsigned extra = (unsigned)((length + GS_SLOT_SIZE - 1) / GS_SLOT_SIZE);
    gs_unit *u = gs_room(t, 2 + 2 * extra);
    if (!u) return 0;
    char *payload = (char *)((gs_slot *)u + 1);
    memcpy(payload, utf8, length);
    memset(payload + length, 0, extra * GS_SLOT_SIZE - length);
    t->cur = u + 2 + 2 * extra;
    gs_publish_long(u, GS_STRING, (uint8_t)extra, 0, id, length);
    return 1;
}

void gs_recorder_mark_end(uint32_t kind, int32_t code) {
    gs_file_header *h = header;
    if (!h || h->end_kind != GS_END_UNKNOWN) return;
    h->end_code = code;
    h->end_mono_ns = gs_mono_ns();
    h->end_ticks = gs_ticks();
    __atomic_store_n(&h->end_kind, kind, __ATOMIC_RELEASE);
}

void gs_recorder_detach(void) { gs_recorder_detach_because(GS_DETACH_STOPPED); }

void gs_recorder_detach_because(int code) {
    gs_recorder_mark_end(GS_END_DETACHED, code);
    gs_recording = 0;
    /* every thread's state now belongs to an ended recording: nothing more is
     * written into this file, even by a thread that was inside a hook */
    __atomic_add_fetch(&gs_epoch, 1, __ATOMIC_RELEASE);
    /* The file is closed; its maps stay (a thread may still hold a pointer
     * into a chunk), inert, and a next recording makes a file of its own. */
    pthread_mutex_lock(&segment_mutex);
    if (file_fd >= 0) close(file_fd);
    file_fd = -1;
    pthread_mutex_unlock(&segment_mutex);
}

void gs_recorder_set_flag(uint32_t flag) {
    if (header) __atomic_fetch_or(&header->recording_flags, flag, __ATOMIC_RELEASE);
}

void gs_recorder_stop_capped(void) {
    gs_file_header *h = header;
    if (!h || !gs_recording) return;
    gs_recording = 0;
    uint64_t now = gs_mono_ns(), ticks = gs_ticks();
    uint64_t expected = 0;
    if (__atomic_compare_exchange_n(&h->capped_mono_ns, &expected, now, 0, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
        h->capped_ticks = ticks;
    __atomic_fetch_or(&h->recording_flags, GS_REC_CAPPED, __ATOMIC_RELEASE);
    gs_budget_mark_reached();
}

/* A thread of the parent's (the CPU sampler, without the GIL) may have held
 * the segment lock at the fork: it stays held in the child, where that thread
 * does not exist, and the child's first record would wait for it forever. */
static void free_segment_lock(void) {
    pthread_mutex_t fresh = PTHREAD_MUTEX_INITIALIZER;
    segment_mutex = fresh;
}

void gs_recorder_after_fork_child(void) {
    free_segment_lock();
    if (!gs_recording && !(header && (header->recording_flags & GS_REC_CAPPED))) return;
    gs_recording = 0;
    for (uint64_t k = 0; k < MAX_SEGMENTS && segments[k]; k++)
        munmap(segments[k], (size_t)((segment_start(k + 1) - segment_start(k)) * GS_CHUNK_SIZE));
    if (header) munmap(header, GS_HEADER_SIZE);
    header = NULL;
    if (file_fd >= 0) close(file_fd);
    file_fd = -1;
    gs_threads_after_fork_child();
    file_deferred = 1; /* made with the child's first record (map_deferred_file) */
    gs_recording = 1;
    gs_threads_restart_caller();
}

void gs_recorder_forget_in_child(void) {
    free_segment_lock();
    gs_recording = 0;
    for (uint64_t k = 0; k < MAX_SEGMENTS && segments[k]; k++)
        munmap(segments[k], (size_t)((segment_start(k + 1) - segment_start(k)) * GS_CHUNK_SIZE));
    memset(segments, 0, sizeof segments);
    if (header) munmap(header, GS_HEADER_SIZE);
    header = NULL;
    if (file_fd >= 0) close(file_fd);
    file_fd = -1;
    file_deferred = 0; /* never made: this process records nothing */
    gs_threads_after_fork_child();
    gs_thread_unrecorded(); /* its chunk was the parent's: never written again */
}

uint64_t gs_recorder_lost(void) {
    return header ? __atomic_load_n(&header->lost_records, __ATOMIC_RELAXED) : 0;
}
