import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { checkPicture, checkSuggestions, lineAt, loadExpectation, rootProcess } from '../support/expect';
import { recordScript, SCENARIO_PYTHON } from '../support/record';
import type { ScenarioRun } from '../support/record';
import { venvOrReason } from '../support/venvScenario';

/**
 * Issue 10, scenario 7: cooperative multitasking in one thread, with
 * generators (standard library) and with greenlet (scenario venv). One
 * thread, no GIL battle, no lock waits; the advice is not "add threads"
 * (threads would take turns on the same GIL): processes, if the tasks can
 * be split apart, and a thread pool predicted to gain nothing.
 */

const E = loadExpectation('cooperative');
const STYLES = ['generators', 'greenlet'] as const;

describe('scenario cooperative (generators, greenlet)', () => {
  const runs = new Map<string, ScenarioRun>();
  let skipGreenlet: string | undefined;
  before(async () => {
    runs.set('generators', await recordScript('generators', 'cooperative/cooperative.py', ['--style', 'generators', '--steps', '300'], { python: SCENARIO_PYTHON }));
    const venv = await venvOrReason();
    if ('reason' in venv) skipGreenlet = venv.reason;
    else runs.set('greenlet', await recordScript('greenlet', 'cooperative/cooperative.py', ['--style', 'greenlet', '--steps', '300'], { python: venv.python }));
  });

  for (const style of STYLES) {
    it(`${style}: the picture: one thread, no GIL waits`, (t) => {
      if (style === 'greenlet' && skipGreenlet) return t.skip(skipGreenlet);
      const r = runs.get(style)!;
      checkPicture(r, E.runs[style]!);
      assert.equal(r.truth['switches'], 2400 + (style === 'greenlet' ? 8 : 0), 'every task switched after every step');
      assert.ok(rootProcess(r).gils.every((g) => g.waitSeconds === 0), 'nobody waited for the GIL');
    });
    it(`${style}: the advice is not "add threads"; every suggestion states its evidence`, (t) => {
      if (style === 'greenlet' && skipGreenlet) return t.skip(skipGreenlet);
      const r = runs.get(style)!;
      checkSuggestions(r, E.runs[style]!);
      const pool = r.suggestions.find((s) => s.kind === 'keepThreads')!;
      assert.ok(pool.predictedSpeedup < 1.1, `a thread pool is predicted to gain nothing: ${pool.title}`);
    });
    it(`${style}: the hot line is named`, () => {
      const r = runs.get(style)!;
      const line = lineAt(r, rootProcess(r), 'STEP-WORK');
      assert.ok(line && line.gilHeldSeconds >= 0.8 * rootProcess(r).threads[0]!.gil.heldSeconds);
    });
  }
});
