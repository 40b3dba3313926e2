import assert from 'node:assert/strict';
import { copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { tempDir } from '../../support/recordingFixtures';
import { runOk } from '../../support/runProcess';
import { checkPicture, checkSuggestions, expectationsHold, loadExpectation } from '../support/expect';
import { CORES, recordQuiet, recordScript, SCENARIOS } from '../support/record';
import type { ScenarioRun } from '../support/record';
import { venvOrReason } from '../support/venvScenario';

/**
 * Issue 10, scenario 5: the same kernel in pure Python, Cython with
 * `with nogil:` (built here with the venv's Cython and gcc), numba with
 * nogil=True and with parallel=True. The native versions run released, side
 * by side; for the pure-Python version "release the GIL" is suggested at
 * its hot line. Numba's parallel=True runs the loop in numba's own native
 * threads, which never take the GIL: the recording shows the calling thread
 * released, and the process using the cores.
 */

const E = loadExpectation('nogil_kernels');
const IMPLS = ['python', 'cython', 'numba', 'numba-parallel'] as const;

describe(`scenario nogil_kernels (scenario venv, ${CORES} cores)`, () => {
  const runs = new Map<string, ScenarioRun>();
  let skip: string | undefined;
  before(async () => {
    const venv = await venvOrReason();
    if ('reason' in venv) {
      skip = venv.reason;
      return;
    }
    const build = tempDir('gilscope-scenario-cython-');
    copyFileSync(join(SCENARIOS, 'nogil_kernels/kernel_cy.pyx'), join(build, 'kernel_cy.pyx'));
    await runOk(venv.python, ['-m', 'Cython.Build.Cythonize', '-q', '-i', 'kernel_cy.pyx'], { cwd: build, timeoutMs: 300_000 });
    for (const impl of IMPLS) {
      // A run that misses its picture is recorded again at a quieter moment (and says so): on a loaded
      // machine numba's first call, its compile, takes longer beside the kernel it compiles.
      const record = async () => [await recordScript(impl, 'nogil_kernels/nogil_kernels.py', ['--impl', impl, '--build', build], {
        python: venv.python,
        env: { NUMBA_CACHE_DIR: join(build, 'numba-cache') },
      })];
      runs.set(impl, (await recordQuiet(2, record, expectationsHold(E))).runs[0]!);
    }
  });

  for (const impl of IMPLS) {
    it(`${impl}: the picture`, (t) => {
      if (skip) return t.skip(skip);
      checkPicture(runs.get(impl)!, E.runs[impl]!);
    });
    it(`${impl}: the top suggestion, and every suggestion states its evidence`, (t) => {
      if (skip) return t.skip(skip);
      checkSuggestions(runs.get(impl)!, E.runs[impl]!);
    });
  }

  it('numba parallel=True: numba\'s own threads are not Python threads: only the caller and the main thread are recorded', (t) => {
    if (skip) return t.skip(skip);
    const r = runs.get('numba-parallel')!;
    const p = r.report.processes.find((x) => x.pid === r.truth.pid)!;
    assert.deepEqual(p.threads.map((x) => x.name).sort(), ['MainThread', 'caller-1']);
    const cores = r.truth['cores_used'] as number;
    t.diagnostic(`numba parallel: cores used ${cores.toFixed(2)} (foreign CPUs ${r.truth.machine?.foreign_cpus})`);
    if ((r.truth.machine?.foreign_cpus ?? 0) <= 0.3 && CORES >= 2) assert.ok(cores >= 1.5, `cores used ${cores}`);
  });
});
