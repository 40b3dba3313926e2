import { readFileSync } from 'node:fs';

/**
 * Why this user may not attach to another process, and what to do, in words: the
 * kernel lets a process read and write another's memory (ptrace, process_vm_writev,
 * which sys.remote_exec uses) when both are the same user and the target is
 * dumpable, or with CAP_SYS_PTRACE (root); the Yama module narrows that with
 * /proc/sys/kernel/yama/ptrace_scope.
 */
export function ptraceScope(): number | undefined {
  try {
    const value = Number(readFileSync('/proc/sys/kernel/yama/ptrace_scope', 'latin1').trim());
    return Number.isInteger(value) ? value : undefined;
  } catch {
    return undefined; // no Yama: the classic rules
  }
}

export function ptraceAdvice(scope: number | undefined = ptraceScope(), root: boolean = process.geteuid?.() === 0): string {
  if (scope === 3) return 'no process may attach to another on this machine (kernel.yama.ptrace_scope = 3, until a reboot)';
  if (scope === 2 && !root) return 'only root may attach to a process here (kernel.yama.ptrace_scope = 2): run gilscope attach as root';
  if (scope === 1 && !root) {
    return 'the kernel lets a process be attached to only by its parents (kernel.yama.ptrace_scope = 1): '
      + 'run gilscope attach as root, or allow it with: sudo sysctl kernel.yama.ptrace_scope=0';
  }
  if (root) return 'even as root (in a container, attaching needs the SYS_PTRACE capability: docker run --cap-add=SYS_PTRACE)';
  return 'it is not dumpable (a setuid program, or it called prctl(PR_SET_DUMPABLE, 0)); attach as root';
}
