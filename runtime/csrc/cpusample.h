/* gilscope's own thread: the CPU and run-queue figures of every recorded
 * thread, and the machine's load (cpusample.c). */
#ifndef GILSCOPE_CPUSAMPLE_H
#define GILSCOPE_CPUSAMPLE_H

/* Starts the sampling thread (period_ms 0: none). 0, or -1 with errno. */
int gs_cpusample_start(unsigned period_ms);

/* Stops the sampling thread and waits for it to end (a second at most). */
void gs_cpusample_stop(void);

/* In a forked child: the thread does not exist there; start it again. */
void gs_cpusample_after_fork_child(void);
/* In a forked child that records nothing: the parent's thread and files are gone. */
void gs_cpusample_forget_in_child(void);

#endif
