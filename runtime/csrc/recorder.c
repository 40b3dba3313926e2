/* The recording file of one process (runtime/FORMAT.md).
 *
 * The file is mapped MAP_SHARED in 8 MiB segments reserved with fallocate, so
 * that records are in the page cache the moment they are stored (a crash or a
 * SIGKILL loses nothing written) and a full disk is a counted loss instead of
 * a SIGBUS. A thread takes a 4 KiB chunk with one atomic add and fills it
 * alone. */
#define _GNU_SOURCE
#include "recorder.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define SEGMENT_CHUNKS 2048u
#define SEGMENT_BYTES ((uint64_t)SEGMENT_CHUNKS * GS_CHUNK_SIZE)
#define MAX_SEGMENTS 16384u
#define SLOTS_PER_CHUNK (GS_CHUNK_SIZE / GS_SLOT_SIZE)

__thread gs_thread *gs_tls_thread __attribute__((tls_model("initial-exec")));
int gs_use_tsc;
volatile int gs_recording;

static int file_fd = -1;
static gs_file_header *header;
static char *segments[MAX_SEGMENTS];
static pthread_mutex_t segment_mutex = PTHREAD_MUTEX_INITIALIZER;
static uint32_t next_thread_slot;
static pthread_key_t thread_key;
static pthread_once_t thread_key_once = PTHREAD_ONCE_INIT;
static char directory[4096];
static gs_process_info process_info;
/* a thread whose TLS destructor already ran: it records nothing more */
static gs_thread finished_thread;

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

/* The recorded threads alive, for gs_recorder_settle. */
static pthread_mutex_t live_mutex = PTHREAD_MUTEX_INITIALIZER;
static gs_thread *live_head;

static void live_add(gs_thread *t) {
    pthread_mutex_lock(&live_mutex);
    t->live_prev = NULL;
    t->live_next = live_head;
    if (live_head) live_head->live_prev = t;
    live_head = t;
    pthread_mutex_unlock(&live_mutex);
}

static void live_remove(gs_thread *t) {
    pthread_mutex_lock(&live_mutex);
    if (t->live_prev) t->live_prev->live_next = t->live_next;
    else if (live_head == t) live_head = t->live_next;
    if (t->live_next) t->live_next->live_prev = t->live_prev;
    pthread_mutex_unlock(&live_mutex);
}

void gs_recorder_settle(void) {
    uint64_t deadline = gs_mono_ns() + 5000000u;
    for (;;) {
        int busy = 0;
        if (pthread_mutex_trylock(&live_mutex) == 0) {
            for (gs_thread *t = live_head; t; t = t->live_next)
                if (t != gs_tls_thread && __atomic_load_n(&t->in_hook, __ATOMIC_ACQUIRE)) busy = 1;
            pthread_mutex_unlock(&live_mutex);
        } else {
            busy = 1;
        }
        if (!busy || gs_mono_ns() > deadline) return;
        sched_yield();
    }
}

static void on_thread_exit(void *arg) {
    gs_thread *t = arg;
    if (t && t != &finished_thread) live_remove(t);
    if (t && t != &finished_thread && gs_recording) {
        if (t->split_release) { /* its last release was never followed by a take */
            gs_put(t, GS_GIL_RELEASE, t->split_gil, 0, t->split_release);
            if (t->split_handoff) gs_put(t, GS_GIL_HANDOFF, t->split_gil, 0, t->split_handoff);
        }
        gs_put(t, GS_THREAD_END, 0, 0, gs_ticks());
    }
    gs_tls_thread = &finished_thread;
    if (t && t != &finished_thread) free(t);
}

static void make_thread_key(void) { pthread_key_create(&thread_key, on_thread_exit); }

static int map_file(const gs_process_info *info, char *path_out, size_t path_size) {
    uint64_t start_real = realtime_ns();
    char path[4200];
    snprintf(path, sizeof path, "%s/p%d-%llu.gsr", directory, (int)getpid(), (unsigned long long)start_real);
    int fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0) return -1;
    if (ftruncate(fd, GS_HEADER_SIZE) != 0) { close(fd); return -1; }
    void *h = mmap(NULL, GS_HEADER_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (h == MAP_FAILED) { close(fd); return -1; }
    file_fd = fd;
    header = h;
    memset(segments, 0, sizeof segments);

    gs_file_header *hd = header;
    hd->format_version = GS_FORMAT_VERSION;
    hd->header_size = GS_HEADER_SIZE;
    hd->chunk_size = GS_CHUNK_SIZE;
    hd->slot_size = GS_SLOT_SIZE;
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
    read_cmdline(hd);
    /* the magic last: a reader never sees a half-written header as valid */
    memcpy(hd->magic, "GILSCOP", 7);
    __atomic_store_n(&hd->magic[7], 'E', __ATOMIC_RELEASE);
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
    copy_text(directory, sizeof directory, info->directory);
    process_info = *info;
    process_info.directory = directory;
    pthread_once(&thread_key_once, make_thread_key);
    next_thread_slot = 0;
    if (map_file(info, path_out, path_size) != 0) return -1;
    gs_recording = 1;
    return 0;
}

static char *segment(uint64_t index) {
    if (index >= MAX_SEGMENTS) return NULL;
    char *p = __atomic_load_n(&segments[index], __ATOMIC_ACQUIRE);
    if (p) return p;
    pthread_mutex_lock(&segment_mutex);
    p = segments[index];
    if (!p) {
        off_t offset = (off_t)(GS_HEADER_SIZE + index * SEGMENT_BYTES);
        int rc = posix_fallocate(file_fd, offset, (off_t)SEGMENT_BYTES);
        if (rc == EOPNOTSUPP || rc == EINVAL)
            rc = ftruncate(file_fd, offset + (off_t)SEGMENT_BYTES) == 0 ? 0 : errno;
        if (rc == 0) {
            void *m = mmap(NULL, SEGMENT_BYTES, PROT_READ | PROT_WRITE, MAP_SHARED, file_fd, offset);
            if (m != MAP_FAILED) {
                p = m;
                __atomic_store_n(&segments[index], p, __ATOMIC_RELEASE);
            }
        }
    }
    pthread_mutex_unlock(&segment_mutex);
    return p;
}

static int new_chunk(gs_thread *t) {
    if (!gs_recording || !header) return 0;
    uint64_t index = __atomic_fetch_add(&header->chunks_allocated, 1, __ATOMIC_RELAXED);
    char *seg = segment(index / SEGMENT_CHUNKS);
    if (!seg) return 0;
    gs_chunk_header *c = (gs_chunk_header *)(seg + (index % SEGMENT_CHUNKS) * GS_CHUNK_SIZE);
    c->thread_slot = t->slot;
    c->ticks = gs_ticks();
    c->mono_ns = gs_mono_ns();
    c->sequence = t->sequence++;
    __atomic_store_n(&c->magic, GS_CHUNK_MAGIC, __ATOMIC_RELEASE);
    t->cur = (gs_slot *)c + GS_CHUNK_HEADER_SLOTS;
    t->end = (gs_slot *)c + SLOTS_PER_CHUNK;
    return 1;
}

gs_slot *gs_reserve(gs_thread *t, unsigned extra) {
    if (t == &finished_thread || t->slot == 0) return NULL;
    if ((size_t)(t->end - t->cur) < 1u + extra) {
        if (!new_chunk(t)) {
            t->cur = t->end = NULL;
            if (header) __atomic_fetch_add(&header->lost_records, 1, __ATOMIC_RELAXED);
            return NULL;
        }
    }
    gs_slot *s = t->cur;
    t->cur += 1 + extra;
    return s;
}

static void start_thread(gs_thread *t, uint16_t flags) {
    live_add(t);
    t->slot = __atomic_add_fetch(&next_thread_slot, 1, __ATOMIC_RELAXED);
    gs_put(t, GS_THREAD_START, flags, (uint32_t)syscall(SYS_gettid), gs_ticks());
}

gs_thread *gs_thread_current(void) {
    gs_thread *t = gs_tls_thread;
    if (__builtin_expect(t != NULL, 1)) return t == &finished_thread ? NULL : t;
    if (!gs_recording) return NULL;
    t = calloc(1, sizeof *t);
    if (!t) return NULL;
    gs_tls_thread = t;
    pthread_setspecific(thread_key, t);
    start_thread(t, getpid() == (pid_t)syscall(SYS_gettid) ? GS_THREAD_IS_MAIN : 0);
    return t;
}

void gs_thread_unrecorded(void) { gs_tls_thread = &finished_thread; }

int gs_put_string(gs_thread *t, uint32_t id, const char *utf8, size_t length) {
    const size_t max_payload = (SLOTS_PER_CHUNK - GS_CHUNK_HEADER_SLOTS - 1) * GS_SLOT_SIZE;
    if (length > max_payload) length = max_payload;
    unsigned extra = (unsigned)((length + GS_SLOT_SIZE - 1) / GS_SLOT_SIZE);
    gs_slot *s = gs_reserve(t, extra);
    if (!s) return 0;
    char *payload = (char *)(s + 1);
    memcpy(payload, utf8, length);
    memset(payload + length, 0, extra * GS_SLOT_SIZE - length);
    gs_publish(s, GS_STRING, (uint8_t)extra, 0, id, length);
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

void gs_recorder_after_fork_child(void) {
    if (!gs_recording) return;
    gs_recording = 0;
    for (unsigned i = 0; i < MAX_SEGMENTS && segments[i]; i++) munmap(segments[i], SEGMENT_BYTES);
    if (header) munmap(header, GS_HEADER_SIZE);
    header = NULL;
    if (file_fd >= 0) close(file_fd);
    file_fd = -1;
    next_thread_slot = 0;
    /* the parent's other threads do not exist here (their states are left, unlinked) */
    pthread_mutex_t fresh_mutex = PTHREAD_MUTEX_INITIALIZER;
    live_mutex = fresh_mutex;
    live_head = NULL;
    gs_thread *t = gs_tls_thread;
    if (map_file(&process_info, NULL, 0) != 0) return;
    gs_recording = 1;
    if (t && t != &finished_thread) {
        gs_thread fresh = {0};
        *t = fresh;
        start_thread(t, GS_THREAD_IS_MAIN);
    }
}

uint64_t gs_recorder_lost(void) {
    return header ? __atomic_load_n(&header->lost_records, __ATOMIC_RELAXED) : 0;
}
