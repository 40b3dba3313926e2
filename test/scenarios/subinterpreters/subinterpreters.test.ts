import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { findPythons } from '../../support/pythons';
import { repoRoot } from '../../support/repoRoot';
import { checkPicture, checkSuggestions, loadExpectation, rootProcess } from '../support/expect';
import { recordScript } from '../support/record';
import type { ScenarioRun } from '../support/record';

/**
 * Issue 10, scenario 8: sub-interpreters with their own GIL on CPython 3.12
 * and 3.13 (test/workloads/subinterpreters.py, through their private
 * modules). The report shows one GIL per interpreter: the main one, nearly
 * idle, and two more, each held by its worker for ~the whole second, side
 * by side; the suggestions count that time as running in parallel.
 */

const E = loadExpectation('subinterpreters');
const SCRIPT = join(repoRoot, 'test/workloads/subinterpreters.py');
const VERSIONS = ['3.12', '3.13'] as const;

describe('scenario subinterpreters (CPython 3.12 and 3.13)', () => {
  const runs = new Map<string, ScenarioRun>();
  const missing = new Map<string, string>();
  before(async () => {
    const pythons = await findPythons([3, 12]);
    for (const v of VERSIONS) {
      const py = pythons.find((p) => p.versionText.startsWith(`${v}.`));
      if (!py) {
        missing.set(v, `no CPython ${v} on this machine`);
        continue;
      }
      runs.set(v, await recordScript(v, SCRIPT, ['--seconds', '1.0'], { python: py.executable }));
    }
  });

  for (const v of VERSIONS) {
    it(`${v}: separate GILs, each held by its own worker, side by side`, (t) => {
      if (missing.has(v)) return t.skip(missing.get(v));
      const r = runs.get(v)!;
      checkPicture(r, E.runs[v]!);
      const p = rootProcess(r);
      const subs = p.gils.filter((g) => g.index > 0);
      for (const g of subs) assert.ok(g.heldSeconds >= 0.85 && g.waitSeconds < 0.02, `GIL ${g.index}: ${JSON.stringify(g)}`);
      const main = p.gils.find((g) => g.index === 0)!;
      assert.ok(main.heldSeconds < 0.25, `the main GIL is nearly idle: ${main.heldSeconds}`);
      // Two 1 s loops in ~1 s of wall: they ran at the same time.
      const workers = p.threads.filter((x) => x.name.startsWith('sub-'));
      const overlap = Math.min(...workers.map((x) => x.endSeconds)) - Math.max(...workers.map((x) => x.startSeconds));
      assert.ok(overlap >= 0.8, `the workers overlapped ${overlap.toFixed(3)} s`);
    });
    it(`${v}: threads are fine, each in its own interpreter; every suggestion states its evidence`, (t) => {
      if (missing.has(v)) return t.skip(missing.get(v));
      checkSuggestions(runs.get(v)!, E.runs[v]!);
    });
  }
});
