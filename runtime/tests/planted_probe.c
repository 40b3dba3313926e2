/* What an attacker would plant in the probe cache in place of the probe
 * (runtime/tests/test_probe_cache.py, test/unit/plantedProbe.test.ts):
 * loading it runs its constructor, which creates the file named by
 * PLANTED_MARKER, so a test sees whether gilscope ever loaded it.
 * Built without PLANTED_MARKER it does nothing at all: a shared object
 * without the probe's PyInit function, which cannot be imported. */
#include <fcntl.h>
#include <unistd.h>

#ifdef PLANTED_MARKER
__attribute__((constructor)) static void planted(void) {
    int fd = open(PLANTED_MARKER, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    if (fd >= 0) close(fd);
}
#endif

int planted_probe_loaded_here;
