/* An attached recording's watch (gilscope attach): recording stops without
 * waiting for the program's main thread when the launcher asks for it or is
 * gone (watch.c). */
#ifndef GILSCOPE_WATCH_H
#define GILSCOPE_WATCH_H

#include <stdint.h>

/* Starts the watch: `control` is the launcher's private control folder, and
 * (launcher_pid, launcher_start) the launcher (its start time in clock ticks
 * after boot, /proc/PID/stat field 22). 0, or -1 with errno. */
int gs_watch_start(const char *control, int launcher_pid, uint64_t launcher_start);

/* Ends the watch (the recording stopped the usual way) and waits for it. */
void gs_watch_stop(void);

#endif
