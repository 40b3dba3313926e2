/* An attached recording is stopped by a script the program's main thread runs
 * at its next eval-breaker check (attached.py). A main thread blocked in a
 * system call runs it only when the call returns, and a launcher killed with
 * SIGKILL never asks: either way the program would go on recording, up to the
 * size cap. This thread, which runs no Python and blocks every signal, looks
 * every 50 ms at two things, and on either stops the recording at once
 * (gs_recorder_detach: the file ends there, end kind 4, and no thread writes
 * to it again):
 *   - CONTROL/stop-now, made by the launcher when it asks for the stop (the
 *     control folder is the launcher's, 0700: no one else can make it);
 *   - the launcher itself: gone, or its pid now another process's.
 * end_code says which (FORMAT.md). The hooks stay in place, inert, until the
 * stop script runs (probe.stop()), if it ever does. */
#define _GNU_SOURCE
#include "watch.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "recorder.h"

#define PERIOD_MS 50

static char stop_file[4200];
static int launcher_pid;
static uint64_t launcher_start;
static int running;
static int thread_done = 1;

/* Field 22 of /proc/PID/stat (start time, clock ticks after boot); 0 when gone. */
static uint64_t start_time_of(int pid) {
    char path[64], buf[1024];
    snprintf(path, sizeof path, "/proc/%d/stat", pid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return 0;
    buf[n] = 0;
    char *p = strrchr(buf, ')'); /* the command name may hold spaces and parentheses */
    if (!p) return 0;
    p += 2; /* field 3 */
    for (int field = 3; field < 22 && p; field++) {
        p = strchr(p, ' ');
        if (p) p++;
    }
    return p ? strtoull(p, NULL, 10) : 0;
}

static int stop_asked(void) {
    struct stat st;
    return fstatat(AT_FDCWD, stop_file, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

static void *watch_main(void *unused) {
    (void)unused;
    gs_thread_unrecorded(); /* not the program's, and nothing of it is recorded */
    struct timespec pause = {0, PERIOD_MS * 1000000L};
    while (__atomic_load_n(&running, __ATOMIC_ACQUIRE) && gs_recording) {
        int why = stop_asked() ? GS_DETACH_ASKED : start_time_of(launcher_pid) != launcher_start ? GS_DETACH_LAUNCHER_GONE : 0;
        if (why) {
            gs_recorder_detach_because(why);
            break;
        }
        nanosleep(&pause, NULL);
    }
    __atomic_store_n(&thread_done, 1, __ATOMIC_RELEASE);
    return NULL;
}

int gs_watch_start(const char *control, int pid, uint64_t start) {
    if (running) return 0;
    int n = snprintf(stop_file, sizeof stop_file, "%s/stop-now", control);
    if (n < 0 || (size_t)n >= sizeof stop_file) {
        errno = ENAMETOOLONG;
        return -1;
    }
    launcher_pid = pid;
    launcher_start = start;
    running = 1;
    thread_done = 0;
    sigset_t all, previous;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &previous); /* every signal stays with the program's threads */
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_attr_setstacksize(&attr, 64 * 1024);
    pthread_t thread;
    int rc = pthread_create(&thread, &attr, watch_main, NULL);
    pthread_attr_destroy(&attr);
    pthread_sigmask(SIG_SETMASK, &previous, NULL);
    if (rc != 0) {
        running = 0;
        thread_done = 1;
        errno = rc;
        return -1;
    }
    return 0;
}

void gs_watch_stop(void) {
    if (!__atomic_exchange_n(&running, 0, __ATOMIC_ACQ_REL)) return;
    struct timespec pause = {0, 1000000};
    for (int i = 0; i < 1000 && !__atomic_load_n(&thread_done, __ATOMIC_ACQUIRE); i++) nanosleep(&pause, NULL);
}
