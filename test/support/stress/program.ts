import { PROLOGUE } from './prologue';
import { Random } from './random';
import { STAGES } from './stages';
import type { Stage, Target } from './stages';

/** How a process ended: an exit status, or the signal that killed it (as Node names it). */
export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** How a program ends, after its stages. */
interface Ending {
  readonly kind: string;
  /** Lines of main() after the stages. */
  readonly source: readonly string[];
  readonly exit: Exit;
  /** Whether atexit handlers and non-daemon threads get to run (not after os._exit or a fatal signal). */
  readonly finalizes: boolean;
  /** What the ending itself prints to stdout, last. */
  readonly prints: readonly string[];
}

export interface StressProgram {
  readonly seed: number;
  /** One line per stage and the ending: what was drawn. */
  readonly summary: readonly string[];
  /** The Python program; run as `PYTHON prog.py CEXT_DIR` (the folder of the cthreads extension). */
  readonly source: string;
  /** What the program prints and how it ends on `target`: bare runs must match it too. */
  expected(target: Target): { readonly stdout: string; readonly exit: Exit };
}

const exited = (code: number): Exit => ({ code, signal: null });
const killed = (signal: NodeJS.Signals): Exit => ({ code: null, signal });

function drawEnding(rng: Random): Ending {
  const code = rng.int(1, 9);
  const kind = rng.weighted({
    return: 5, sys_exit: 2, raise: 2, os_exit: 2, os_exit_thread: 1.5, late_thread: 1.5,
    sigterm: 1, sigkill: 1, interrupt: 1, abort: 0.6, segv: 0.6, sent_fault: 0.8,
  });
  const noCore = '    import resource\n    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))';
  switch (kind) {
    case 'return':
      return { kind, source: ['    return'], exit: exited(0), finalizes: true, prints: [] };
    case 'sys_exit':
      return { kind: `sys.exit(${code})`, source: [`    sys.exit(${code})`], exit: exited(code), finalizes: true, prints: [] };
    case 'raise':
      return { kind, source: ['    raise RuntimeError("the stress program ends with an exception")'], exit: exited(1), finalizes: true, prints: [] };
    case 'os_exit':
      return { kind: `os._exit(${code})`, source: [`    os._exit(${code})`], exit: exited(code), finalizes: false, prints: [] };
    case 'os_exit_thread':
      return {
        kind: `os._exit(${code}) in a thread`,
        source: [
          `    threading.Thread(target=os._exit, args=(${code},)).start()`,
          '    threading.Event().wait(WAIT)',
          '    print("os._exit in a thread did not end the process", flush=True)',
          '    sys.exit(97)',
        ],
        exit: exited(code), finalizes: false, prints: [],
      };
    case 'late_thread':
      return {
        kind,
        source: [
          '    def late():',
          '        time.sleep(0.02)',
          '        print("late thread done", flush=True)',
          '',
          '    threading.Thread(target=late).start()',
        ],
        exit: exited(0), finalizes: true, prints: ['late thread done'],
      };
    case 'sigterm':
    case 'sigkill':
      return { kind, source: [`    os.kill(os.getpid(), signal.${kind.toUpperCase()})`, '    time.sleep(WAIT)'], exit: killed(kind === 'sigterm' ? 'SIGTERM' : 'SIGKILL'), finalizes: false, prints: [] };
    case 'interrupt':
      // the default SIGINT handler raises KeyboardInterrupt; Python then finalizes and ends by SIGINT
      return { kind, source: ['    os.kill(os.getpid(), signal.SIGINT)', '    time.sleep(WAIT)'], exit: killed('SIGINT'), finalizes: true, prints: [] };
    case 'abort':
      return { kind, source: [noCore, '    os.abort()'], exit: killed('SIGABRT'), finalizes: false, prints: [] };
    case 'segv':
      return { kind, source: [noCore, '    import ctypes', '    ctypes.string_at(1)'], exit: killed('SIGSEGV'), finalizes: false, prints: [] };
    case 'sent_fault': {
      // a fault's signal sent, not raised by a fault: nothing re-executes it
      const sig = rng.pick(['SIGSEGV', 'SIGBUS', 'SIGFPE', 'SIGILL'] as const);
      return { kind: `os.kill(${sig})`, source: [noCore, `    os.kill(os.getpid(), signal.${sig})`, '    time.sleep(WAIT)'], exit: killed(sig), finalizes: false, prints: [] };
    }
  }
}

function drawStages(rng: Random): Stage[] {
  const weights = Object.fromEntries(Object.entries(STAGES).map(([k, v]) => [k, v.weight]));
  const stages: Stage[] = [];
  const count = rng.int(2, 4);
  let processes = false;
  while (stages.length < count) {
    const stage = STAGES[rng.weighted(weights)]!.make(rng);
    if (stage.processes && processes) continue; // one process-starting stage a program: they cost the most
    processes ||= stage.processes;
    stages.push(stage);
  }
  return stages;
}

const hasGilFlag = (t: Target): boolean => t.version[0] > 3 || t.version[1] >= 13;

/** The stress program of `seed`: 2 to 4 stages drawn from STAGES, an ending, maybe an atexit handler. */
export function generateProgram(seed: number): StressProgram {
  const rng = new Random(seed);
  const stages = drawStages(rng);
  const ending = drawEnding(rng);
  const atexit = rng.chance(0.4);
  const summary = [...stages.map((s, i) => `${i} ${s.kind}: ${s.about}`), `ending: ${ending.kind}${atexit ? ', with an atexit handler' : ''}`];
  const names = stages.map((s, i) => `s${i}_${s.kind}`);
  const source = [
    `# gilscope stress program, seed ${seed} (test/support/stress/program.ts); run: PYTHON THIS_FILE CEXT_DIR`,
    ...summary.map((l) => `#   ${l}`),
    PROLOGUE,
    ...stages.map((s, i) => `\n${s.source(names[i]!)}`),
    '',
    // CPython turns the GIL on for as long as it loads an extension module (3.13t, import.c:
    // _PyEval_EnableGILTransient), which another thread printing sys._is_gil_enabled() just
    // then sees, bare or recorded: a thread's first cext() must not race main's print_gil.
    ...(stages.some((s) => s.source('x').includes('cext()')) ? ['# the test extension, loaded before main: loading it turns the GIL on meanwhile', 'cext()', ''] : []),
    'def print_gil():',
    '    if hasattr(sys, "_is_gil_enabled"):',
    '        print("gil_enabled", sys._is_gil_enabled(), flush=True)',
    '',
    '',
    'def main():',
    ...(atexit ? ['    import atexit', '    atexit.register(lambda: print("atexit ran", flush=True))'] : []),
    '    print_gil()',
    ...names.map((n, i) => `    print(${i}, "${stages[i]!.kind}", ${n}(), flush=True)`),
    '    print_gil()',
    ...ending.source,
    '',
    '',
    'if __name__ == "__main__":',
    '    main()',
    '',
  ].join('\n');
  return {
    seed,
    summary,
    source,
    expected(target) {
      const gil = hasGilFlag(target) ? [`gil_enabled ${target.freeThreaded ? 'False' : 'True'}`] : [];
      const out = [
        ...gil,
        ...stages.map((s, i) => `${i} ${s.kind} ${s.expected(target)}`),
        ...gil,
        ...ending.prints,
        ...(atexit && ending.finalizes ? ['atexit ran'] : []),
      ];
      return { stdout: `${out.join('\n')}\n`, exit: ending.exit };
    },
  };
}
