/* Preloaded by test_fork_safety.py into a recorded workload: posix_fallocate,
 * which the recorder calls with its segment lock held while a recording
 * grows, made slow (300 ms) on the recorder's CPU sampling thread, and
 * announced by a byte on the pipe whose write end GILSCOPE_TEST_GROWING_FD
 * names. That thread holds no GIL, so a fork made on the byte lands while it
 * holds the recorder's lock: the lock stays held in the child, where the
 * thread does not exist. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <time.h>
#include <unistd.h>

int posix_fallocate(int fd, off_t offset, off_t length) {
    static int (*real)(int, off_t, off_t);
    if (!real) real = (int (*)(int, off_t, off_t))dlsym(RTLD_NEXT, "posix_fallocate");
    const char *announce = getenv("GILSCOPE_TEST_GROWING_FD");
    char name[17] = "";
    prctl(PR_GET_NAME, name);
    if (announce && strcmp(name, "gilscope-cpu") == 0) {
        char byte = 1;
        if (write(atoi(announce), &byte, 1) == 1) {
            struct timespec pause = {0, 300 * 1000 * 1000};
            nanosleep(&pause, NULL);
        }
    }
    return real(fd, offset, length);
}
