/* How long each thread was runnable but not running, and how busy the
 * machine was: on a machine with fewer free cores than runnable threads, part
 * of what looks like GIL wait is the OS not running the thread at all, and the
 * reader needs the two apart (FORMAT.md, "Machine").
 *
 * A thread of gilscope's own (flagged so in its THREAD_START) reads every
 * recorded thread's /proc/self/task/TID/schedstat (its time on a CPU and its
 * time waiting in the run queue, cumulative) every period, and /proc/stat
 * (all CPUs' busy time) with this process's CPU time ten times less often,
 * and writes them as CPU_SAMPLE and MACHINE_SAMPLE. A file kept open per
 * thread: one pread a thread a period. The thread runs no Python, blocks every
 * signal, and is not the program's. */
#define _GNU_SOURCE
#include "cpusample.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ownthreads.h"
#include "recorder.h"

#define MAX_SAMPLED 1024
#define MACHINE_EVERY 10 /* periods */

static unsigned period_ms;
static int running;
static int thread_done = 1;

typedef struct {
    uint32_t slot, tid;
    int fd;
} sampled_thread;

static sampled_thread sampled[MAX_SAMPLED];
static int nsampled;

typedef struct {
    uint32_t slot[MAX_SAMPLED], tid[MAX_SAMPLED];
    int n;
} live_list;

static void collect(gs_thread *t, void *arg) {
    live_list *l = arg;
    if (l->n < MAX_SAMPLED && t->tid && !gs_thread_finished(t) && t != gs_tls_thread) {
        l->slot[l->n] = t->slot;
        l->tid[l->n] = t->tid;
        l->n++;
    }
}

static int fd_of(uint32_t slot, uint32_t tid) {
    for (int i = 0; i < nsampled; i++)
        if (sampled[i].slot == slot && sampled[i].tid == tid) return sampled[i].fd;
    if (nsampled == MAX_SAMPLED) return -1;
    char path[64];
    snprintf(path, sizeof path, "/proc/self/task/%u/schedstat", tid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    sampled[nsampled++] = (sampled_thread){slot, tid, fd};
    return fd;
}

/* Closes the files of threads no longer live. */
static void forget_gone(const live_list *l) {
    for (int i = 0; i < nsampled;) {
        int live = 0;
        for (int k = 0; k < l->n && !live; k++) live = l->slot[k] == sampled[i].slot && l->tid[k] == sampled[i].tid;
        if (live) { i++; continue; }
        close(sampled[i].fd);
        sampled[i] = sampled[--nsampled];
    }
}

static void sample_threads(gs_thread *me) {
    static live_list live;
    live.n = 0;
    if (gs_threads_each_live(collect, &live) != 0) return; /* busy just now: next period */
    forget_gone(&live);
    for (int i = 0; i < live.n; i++) {
        int fd = fd_of(live.slot[i], live.tid[i]);
        if (fd < 0) continue;
        char buf[96];
        ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
        if (n <= 0) continue;
        buf[n] = 0;
        unsigned long long on_cpu = 0, run_delay = 0;
        if (sscanf(buf, "%llu %llu", &on_cpu, &run_delay) != 2) continue;
        gs_put4(me, GS_CPU_SAMPLE, 0, live.slot[i], gs_ticks(), (uint32_t)run_delay, (uint32_t)(run_delay >> 32),
                (uint32_t)on_cpu, (uint32_t)(on_cpu >> 32));
    }
}

static void sample_machine(gs_thread *me, long clock_ticks) {
    int fd = open("/proc/stat", O_RDONLY | O_CLOEXEC);
    if (fd < 0) return;
    char buf[512];
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return;
    buf[n] = 0;
    unsigned long long v[10] = {0};
    int got = sscanf(buf, "cpu %llu %llu %llu %llu %llu %llu %llu %llu %llu %llu", &v[0], &v[1], &v[2], &v[3], &v[4],
                     &v[5], &v[6], &v[7], &v[8], &v[9]);
    if (got < 4) return;
    /* busy: everything but idle and iowait (guest time is already in user) */
    unsigned long long busy = v[0] + v[1] + v[2] + v[5] + v[6] + v[7];
    uint64_t busy_ns = busy * (1000000000ull / (uint64_t)clock_ticks);
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    uint64_t own_ns = (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    gs_put4(me, GS_MACHINE_SAMPLE, 0, cpus > 0 ? (uint32_t)cpus : 0, gs_ticks(), (uint32_t)busy_ns,
            (uint32_t)(busy_ns >> 32), (uint32_t)own_ns, (uint32_t)(own_ns >> 32));
}

static void *sampler_main(void *unused) {
    (void)unused;
    gs_thread *me = gs_thread_ours();
    long clock_ticks = sysconf(_SC_CLK_TCK);
    if (clock_ticks <= 0) clock_ticks = 100;
    struct timespec next;
    clock_gettime(CLOCK_MONOTONIC, &next);
    for (unsigned round = 0; me && __atomic_load_n(&running, __ATOMIC_ACQUIRE); round++) {
        if (gs_recording) {
            sample_threads(me);
            if (round % MACHINE_EVERY == 0) sample_machine(me, clock_ticks);
        }
        next.tv_nsec += (long)period_ms * 1000000L;
        while (next.tv_nsec >= 1000000000L) { next.tv_nsec -= 1000000000L; next.tv_sec++; }
        while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL) == EINTR) {}
    }
    for (int i = 0; i < nsampled; i++) close(sampled[i].fd);
    nsampled = 0;
    __atomic_store_n(&thread_done, 1, __ATOMIC_RELEASE);
    return NULL;
}

void gs_cpusample_stop(void) {
    if (!__atomic_exchange_n(&running, 0, __ATOMIC_ACQ_REL)) return;
    /* it notices within a period; waited for, so that no thread of ours is left */
    struct timespec pause = {0, 1000000};
    for (int i = 0; i < 1000 && !__atomic_load_n(&thread_done, __ATOMIC_ACQUIRE); i++) nanosleep(&pause, NULL);
}

int gs_cpusample_start(unsigned ms) {
    if (ms == 0 || running) return 0;
    period_ms = ms;
    nsampled = 0;
    running = 1;
    thread_done = 0;
    sigset_t all, previous;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous); /* every signal stays with the program's threads */
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, 256 * 1024);
    pthread_t thread;
    int rc = gs_create_own_thread(&thread, &attr, sampler_main, NULL, GS_OWN_THREAD_PREFIX "cpu");
    pthread_attr_destroy(&attr);
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    if (rc != 0) {
        running = 0;
        errno = rc;
        return -1;
    }
    return 0;
}

void gs_cpusample_forget_in_child(void) {
    for (int i = 0; i < nsampled; i++) close(sampled[i].fd);
    nsampled = 0;
    running = 0;
}

void gs_cpusample_after_fork_child(void) {
    /* the parent's files and thread are gone here */
    for (int i = 0; i < nsampled; i++) close(sampled[i].fd);
    nsampled = 0;
    int was = running;
    running = 0;
    if (was) gs_cpusample_start(period_ms);
}
