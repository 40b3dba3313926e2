import { join } from 'node:path';

/**
 * The command line that starts `command` tied to this launcher: when the
 * launcher dies by any signal, SIGKILL included, the workload is killed
 * rather than left running with no parent (Node's spawn has no
 * parent-death option). It goes through a trampoline,
 * runtime/python/gilscope/parent_death.py, which sets
 * prctl(PR_SET_PDEATHSIG, SIGKILL) in itself, checks that the launcher is
 * still its parent, and execs `command` with the same pid, environment
 * (as given to it, before Python's start-up touched its own copy), stdio,
 * default signal handling and argv, so the workload and its exit status
 * are its own. `-I -S` keep the workload's PYTHONPATH and site out of the
 * trampoline. It costs one bare Python start-up (runtime/README.md).
 */
export function tiedToLauncher(python: string, runtimeDir: string, command: readonly string[], launcherPid: number = process.pid): string[] {
  return [python, '-I', '-S', join(runtimeDir, 'gilscope', 'parent_death.py'), String(launcherPid), ...command];
}
