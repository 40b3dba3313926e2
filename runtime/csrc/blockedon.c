/* When recording begins in a running process (gilscope attach), what each
 * other thread is doing is read where the interpreter publishes it; where it
 * does not (CPython 3.14 says who holds the GIL, not who waits for it), the
 * kernel does: /proc/self/task/TID/syscall names the system call a sleeping
 * thread is in and its arguments, and a thread waiting for the GIL sleeps in
 * a futex on the GIL's own mutex or condition. */
#define _GNU_SOURCE
#include "blockedon.h"

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <unistd.h>

int gs_thread_blocked_on(uint32_t tid, const void *base, size_t size) {
    char path[64], buf[256];
    snprintf(path, sizeof path, "/proc/self/task/%u/syscall", tid);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t n = read(fd, buf, sizeof buf - 1);
    close(fd);
    if (n <= 0) return -1;
    buf[n] = 0;
    /* "running", or "-1 SP PC" (blocked outside a system call), or "NR ARG1 ... SP PC" */
    char *end;
    long nr = strtol(buf, &end, 10);
    if (end == buf || nr < 0) return -1;
    if (nr != SYS_futex) return 0;
    uintptr_t address = (uintptr_t)strtoull(end, NULL, 16);
    uintptr_t lo = (uintptr_t)base;
    return address >= lo && address < lo + size ? 1 : 0;
}
