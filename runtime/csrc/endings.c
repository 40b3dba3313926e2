/* How a process ended, written into its recording's header. exit() and
 * _exit() are seen through the GOT (gilhooks.c); fatal signals through a
 * handler installed only where the program left the default action, which
 * records the signal and then lets the default action happen as before. */
#define _GNU_SOURCE
#include "endings.h"

#include <signal.h>
#include <string.h>

#include "recorder.h"

static const int fatal_signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTERM, SIGHUP, SIGQUIT};

static void on_fatal_signal(int sig) {
    gs_recorder_mark_end(GS_END_SIGNAL, sig);
    /* SA_RESETHAND restored the default: a fault re-executes and dies by it,
     * an asynchronous signal is raised again. */
    if (sig != SIGSEGV && sig != SIGBUS && sig != SIGILL && sig != SIGFPE) raise(sig);
}

void gs_endings_install(void) {
    for (size_t i = 0; i < sizeof fatal_signals / sizeof fatal_signals[0]; i++) {
        struct sigaction old;
        if (sigaction(fatal_signals[i], NULL, &old) != 0) continue;
        if ((old.sa_flags & SA_SIGINFO) || old.sa_handler != SIG_DFL) continue;
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_fatal_signal;
        sa.sa_flags = SA_RESETHAND | SA_NODEFER;
        sigemptyset(&sa.sa_mask);
        sigaction(fatal_signals[i], &sa, NULL);
    }
}
