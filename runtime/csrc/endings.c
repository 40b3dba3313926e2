/* How a process ended, written into its recording's header. exit(), _exit()
 * and kill() of the process itself are seen through libpython's GOT (the
 * hooks below, installed by hooks.c); fatal signals through a handler
 * installed only where the program left the default action, which records
 * the signal and then lets the default action happen as before. */
#define _GNU_SOURCE
#include "endings.h"

#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "recorder.h"

static void hook_exit(int code) {
    gs_recorder_settle();
    gs_recorder_mark_end(GS_END_EXIT, code);
    exit(code);
}

/* CPython ends an uncaught KeyboardInterrupt by killing itself with SIGINT
 * (and os.kill(os.getpid(), sig) does the same): a death the probe can see
 * coming when the signal's action is the default one. */
static int hook_kill(pid_t pid, int sig) {
    if (sig > 0 && (pid == getpid() || pid == 0)) {
        struct sigaction current;
        int fatal = sig == SIGKILL || (sigaction(sig, NULL, &current) == 0 && !(current.sa_flags & SA_SIGINFO) &&
                                       current.sa_handler == SIG_DFL && sig != SIGCHLD && sig != SIGCONT &&
                                       sig != SIGURG && sig != SIGWINCH && sig != SIGSTOP && sig != SIGTSTP);
        if (fatal) gs_recorder_mark_end(GS_END_SIGNAL, sig);
    }
    return kill(pid, sig);
}

static void hook_underscore_exit(int code) {
    gs_recorder_settle();
    gs_recorder_mark_end(GS_END_UNDERSCORE_EXIT, code);
    _exit(code);
}

int gs_endings_patches(gs_got_patch *out) {
    out[0] = (gs_got_patch){"exit", (void *)hook_exit, 0};
    out[1] = (gs_got_patch){"_exit", (void *)hook_underscore_exit, 0};
    out[2] = (gs_got_patch){"kill", (void *)hook_kill, 0};
    return 3;
}

static const int fatal_signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTERM, SIGHUP, SIGQUIT};

static void on_fatal_signal(int sig, siginfo_t *info, void *context) {
    (void)context;
    gs_recorder_mark_end(GS_END_SIGNAL, sig);
    /* SA_RESETHAND restored the default: a fault (the kernel's, si_code > 0)
     * re-executes and dies by it; any other signal is raised again, a SIGSEGV
     * sent with kill() or raise() (si_code <= 0) too: nothing re-executes it. */
    int fault = (sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE) && info && info->si_code > 0;
    if (!fault) raise(sig);
}

#define NFATAL (sizeof fatal_signals / sizeof fatal_signals[0])
static int installed[NFATAL];

void gs_endings_install(void) {
    for (size_t i = 0; i < NFATAL; i++) {
        struct sigaction old;
        if (sigaction(fatal_signals[i], NULL, &old) != 0) continue;
        if ((old.sa_flags & SA_SIGINFO) || old.sa_handler != SIG_DFL) continue;
        struct sigaction sa;
        memset(&sa, 0, sizeof sa);
        sa.sa_sigaction = on_fatal_signal;
        sa.sa_flags = SA_SIGINFO | SA_RESETHAND | SA_NODEFER;
        sigemptyset(&sa.sa_mask);
        installed[i] = sigaction(fatal_signals[i], &sa, NULL) == 0;
    }
}

void gs_endings_uninstall(void) {
    for (size_t i = 0; i < NFATAL; i++) {
        if (!installed[i]) continue;
        installed[i] = 0;
        struct sigaction now;
        /* ours is an SA_SIGINFO handler: anything else is the program's own, set since */
        if (sigaction(fatal_signals[i], NULL, &now) != 0 || !(now.sa_flags & SA_SIGINFO) || now.sa_sigaction != on_fatal_signal)
            continue;
        struct sigaction dfl;
        memset(&dfl, 0, sizeof dfl);
        dfl.sa_handler = SIG_DFL;
        sigemptyset(&dfl.sa_mask);
        sigaction(fatal_signals[i], &dfl, NULL);
    }
}
