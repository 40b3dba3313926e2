import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { checkPicture, checkSuggestions, checkWorkerCount, childrenOf, loadExpectation } from '../support/expect';
import { CORES, recordScript } from '../support/record';
import type { ScenarioRun } from '../support/record';
import { venvOrReason } from '../support/venvScenario';

/**
 * Issue 10, scenario 6, and issue 18: joblib's threading backend and its
 * process-based loky and multiprocessing backends on the same pure-Python
 * function, 2 workers each. Threading: two pool workers take turns on the
 * GIL (multiprocessing.pool's helper threads wait beside them and are not
 * counted as workers); loky: worker processes started as `python -m
 * ...loky...popen_loky_posix`, recorded through sitecustomize, each holding
 * its own GIL while running the tasks, beside loky's and multiprocessing's
 * resource trackers; multiprocessing: a forked Pool of two beside loky's
 * resource tracker. Every worker count of the report says 2 (checkWorkerCount).
 */

const E = loadExpectation('joblib_backends');
const BACKENDS = ['threading', 'loky', 'multiprocessing'] as const;

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
    it(`${b}: every count of workers says 2: the JSON's workers and roles, the suggestions, the terminal`, (t) => {
      if (skip) return t.skip(skip);
      const r = runs.get(b)!;
      const version = String(r.truth['joblib']);
      assert.ok(/^(\d+)\.(\d+)/.test(version) && Number(version.split('.')[0]) * 100 + Number(version.split('.')[1]) >= 106, `joblib ${version} is 1.6 or newer`);
      checkWorkerCount(r, E.runs[b]!.workers!);
    });
  }

  it('loky and multiprocessing: the resource trackers are named helpers, never workers', (t) => {
    if (skip) return t.skip(skip);
    const named = (b: string) => runs.get(b)!.report.processes.filter((p) => p.role === 'helper').map((p) => p.roleName).sort();
    assert.deepEqual(named('loky'), ['loky resource tracker', 'multiprocessing resource tracker']);
    assert.ok(named('multiprocessing').includes('loky resource tracker'), `multiprocessing: ${named('multiprocessing').join(', ')}`);
    for (const b of ['loky', 'multiprocessing']) {
      const helpers = runs.get(b)!.report.processes.filter((p) => p.role === 'helper');
      assert.ok(helpers.every((p) => /resource_tracker/.test(p.argv.join(' '))), `${b}: the helpers are the trackers: ${helpers.map((p) => p.argv.join(' ')).join('; ')}`);
    }
  });

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
