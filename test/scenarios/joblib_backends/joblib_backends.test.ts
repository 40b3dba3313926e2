import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { checkPicture, checkSuggestions, childrenOf, loadExpectation } from '../support/expect';
import { CORES, recordScript } from '../support/record';
import type { ScenarioRun } from '../support/record';
import { venvOrReason } from '../support/venvScenario';

/**
 * Issue 10, scenario 6: joblib's threading backend and its process-based
 * loky backend on the same pure-Python function. Threading: two pool
 * workers take turns on the GIL (multiprocessing.pool's helper threads wait
 * beside them and are not counted as workers); loky: worker processes
 * started as `python -m ...loky...popen_loky_posix`, recorded through
 * sitecustomize, each holding its own GIL while running the tasks.
 */

const E = loadExpectation('joblib_backends');
const BACKENDS = ['threading', 'loky'] as const;

describe(`scenario joblib_backends (scenario venv, ${CORES} cores)`, () => {
  const runs = new Map<string, ScenarioRun>();
  let skip: string | undefined;
  before(async () => {
    const venv = await venvOrReason();
    if ('reason' in venv) {
      skip = venv.reason;
      return;
    }
    for (const b of BACKENDS) runs.set(b, await recordScript(b, 'joblib_backends/joblib_backends.py', ['--backend', b, '--n', '2500000'], { python: venv.python }));
  });

  for (const b of BACKENDS) {
    it(`${b}: the picture`, (t) => {
      if (skip) return t.skip(skip);
      checkPicture(runs.get(b)!, E.runs[b]!);
    });
    it(`${b}: the top suggestion, and every suggestion states its evidence`, (t) => {
      if (skip) return t.skip(skip);
      checkSuggestions(runs.get(b)!, E.runs[b]!);
    });
  }

  it('loky: the tasks ran in two worker processes, each holding its own GIL at the hot line', (t) => {
    if (skip) return t.skip(skip);
    const r = runs.get('loky')!;
    const line = r.truth.markers['HOT-LINE']![0]!;
    const workers = childrenOf(r).filter((p) => p.argv.some((a) => /popen_loky_posix/.test(a)));
    assert.equal(workers.length, 2, `loky workers: ${childrenOf(r).map((p) => p.argv.slice(0, 4).join(' ')).join('; ')}`);
    for (const w of workers) {
      assert.equal(w.threads.filter((x) => x.gil.heldSeconds > 0.05).length, 1, `one busy thread in ${w.pid}`);
      assert.equal(w.gils.length, 1);
      const hot = w.lines.filter((l) => l.file.endsWith('joblib_backends.py') && l.line === line);
      const held = w.threads.reduce((s, x) => s + x.gil.heldSeconds, 0);
      t.diagnostic(`worker ${w.pid}: held ${held.toFixed(3)} s, at HOT-LINE ${hot.reduce((s, l) => s + l.gilHeldSeconds, 0).toFixed(3)} s`);
      assert.ok(w.threads.every((x) => x.gil.waitSeconds <= 0.05 * (x.endSeconds - x.startSeconds) + 0.005), 'no GIL wait in a worker');
    }
  });
});
