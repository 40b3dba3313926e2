import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { LAUNCHERS, runDifferential } from '../support/stress/differential';
import type { DifferentialOptions, Finding, StressPython } from '../support/stress/differential';
import { readRecordingHere, stressPython, stressPythons } from '../support/stress/interpreters';
import { generateProgram } from '../support/stress/program';
import type { StressProgram } from '../support/stress/program';

/**
 * The stress harness can fail: each of its checks is shown a recorder broken on purpose, and
 * must say so. The breakage is a sitecustomize that the runtime's own hands over to (it is on
 * the recorded runs' PYTHONPATH only): it changes stdout, the exit, stderr, or hangs at exit.
 */
const work = mkdtempSync(join(tmpdir(), 'gilscope-stress-harness-'));

/** A folder whose sitecustomize.py is `source`, for DifferentialOptions.recordedPythonPath. */
function breakage(name: string, source: string): string {
  const dir = join(work, `break-${name}`);
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'sitecustomize.py'), source);
  return dir;
}

/** The first seed whose program is quick and starts no process: the checks, not the program, are tested here. */
function quickProgram(): StressProgram {
  for (let seed = 1; ; seed++) {
    const p = generateProgram(seed);
    if (p.summary.at(-1) === 'ending: return' && !p.summary.some((l) => /^\d+ (pool|subprocess|fork|subinterp|daemons):/.test(l))) return p;
  }
}

describe('stress harness: a recorder broken on purpose is caught', () => {
  let python: StressPython;
  const program = quickProgram();
  const options = (extra: Partial<DifferentialOptions> = {}): DifferentialOptions => ({
    workDir: mkdtempSync(join(work, 'run-')),
    launchers: LAUNCHERS,
    timeoutMs: 60_000,
    readRecording: readRecordingHere,
    ...extra,
  });
  const problems = (findings: readonly Finding[]) => findings.map((f) => `${f.run}: ${f.problem}`);

  before(async () => {
    const pythons = await stressPythons();
    // one interpreter that has sys._is_gil_enabled if there is one; the checks do not depend on it
    python = await stressPython(pythons.find((p) => p.version[1] >= 13 && !p.freeThreaded) ?? pythons.at(-1)!);
  });

  it('finds nothing when the recorder changes nothing', async () => {
    const r = await runDifferential(program, python, options());
    assert.deepEqual(problems(r.findings), []);
    assert.equal(r.recorded.size, 2);
  });

  it('finds a recorded run that prints more', async () => {
    const extra = breakage('stdout', 'import atexit\natexit.register(lambda: print("a line of the recorder", flush=True))\n');
    const r = await runDifferential(program, python, options({ recordedPythonPath: [extra] }));
    assert.deepEqual(problems(r.findings), LAUNCHERS.map((l) => `${l}: stdout differs from the bare run`));
    assert.match(r.findings[0]!.details, /a line of the recorder/);
  });

  it('finds a recorded run that crashes at exit', async () => {
    const extra = breakage('crash', 'import atexit, os, signal\natexit.register(lambda: os.kill(os.getpid(), signal.SIGSEGV))\n');
    const r = await runDifferential(program, python, options({ recordedPythonPath: [extra] }));
    assert.deepEqual(problems(r.findings), LAUNCHERS.map((l) => `${l}: recorded killed by SIGSEGV, bare exit 0`));
  });

  it("finds a recorded run whose program's stderr differs", async () => {
    const extra = breakage('stderr', 'import sys\nsys.stderr.write("Exception ignored in the recorder\\n")\n');
    const r = await runDifferential(program, python, options({ recordedPythonPath: [extra] }));
    assert.ok(LAUNCHERS.every((l) => problems(r.findings).includes(`${l}: the workload's stderr differs from the bare run`)), problems(r.findings).join('\n'));
  });

  it('finds a recorded run that hangs, with its stacks', async () => {
    // its Python stacks (gdb's C stacks, seconds to gather, are the stress runs' own)
    const extra = breakage('hang', 'import atexit, time\natexit.register(lambda: time.sleep(3600))\n');
    const r = await runDifferential(program, python, options({ recordedPythonPath: [extra], timeoutMs: 5_000, launchers: ['python -m gilscope.run'], cStacks: false }));
    assert.equal(r.findings.length, 1, problems(r.findings).join('\n'));
    assert.match(r.findings[0]!.problem, /^the recorded run hung \(bare: exit 0 in /);
    assert.match(r.findings[0]!.details, /did not end within 5 s/);
    // faulthandler's dump, asked for with SIGUSR2: the main thread in the atexit handler
    assert.match(r.findings[0]!.details, /sitecustomize\.py", line 2 in <lambda>/);
  });

  it('finds a bare run that is not what the generator expects (a harness bug, told apart)', async () => {
    const wrong: StressProgram = { ...program, expected: (t) => ({ ...program.expected(t), stdout: 'not what it prints\n' }) };
    const r = await runDifferential(wrong, python, options({ launchers: ['python -m gilscope.run'] }));
    assert.deepEqual(problems(r.findings), ['bare: the bare run is not what the generator expects (exit 0, expected exit 0)']);
  });

  it('finds a recording that gilscope report cannot read', async () => {
    const dir = join(work, 'unreadable');
    mkdirSync(dir);
    writeFileSync(join(dir, 'p1-1.gsr'), Buffer.alloc(4096, 7));
    assert.ok(await readRecordingHere(dir), 'a .gsr of garbage was read without an error');
  });
});
