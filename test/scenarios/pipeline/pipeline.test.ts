import assert from 'node:assert/strict';
import { basename } from 'node:path';
import { before, describe, it } from 'node:test';
import { checkPicture, checkSuggestions, expectationsHold, loadExpectation, markerLine, rootProcess } from '../support/expect';
import { recordQuiet, recordScript, SCENARIO_PYTHON } from '../support/record';
import type { ScenarioRun } from '../support/record';

/**
 * Issue 10, scenario 10: a concurrent.futures pipeline whose middle stage
 * is slow. The queue in front of it fills: parse blocks in put(), write
 * starves in get(), and the slow stage, transform's SLOW-STAGE line, is
 * named: it holds the GIL ~all of its life, and the top suggestion is aimed
 * at it.
 */

const E = loadExpectation('pipeline');

describe(`scenario pipeline (${SCENARIO_PYTHON})`, () => {
  let run: ScenarioRun;
  before(async () => {
    // On a machine loaded by others the waiting stages' GIL waits grow and processes look better: judged on a quiet run when there is one.
    run = (await recordQuiet(3, async () => [await recordScript('pipeline', 'pipeline/pipeline.py', ['--items', '150', '--slow-ms', '8'])], expectationsHold(E))).runs[0]!;
  });

  it('the picture: the slow stage holds the GIL, the others wait on the queues', () => checkPicture(run, E.runs['pipeline']!));
  it('the slow stage is named by the top suggestion; every suggestion states its evidence', () => checkSuggestions(run, E.runs['pipeline']!));

  it('the queue that fills: parse blocks in put() at PARSE-PUT, write in get() at WRITE-GET', () => {
    const p = rootProcess(run);
    const kinds = p.locks.flatMap((l) => l.waitKinds);
    const at = (kind: string, marker: string) => {
      const line = markerLine(run, marker);
      return kinds.filter((k) => k.kind === kind).flatMap((k) => k.sites).filter((s) => s.line === line && basename(s.file) === 'pipeline.py')
        .reduce((s, x) => s + x.seconds, 0);
    };
    const parse = p.threads.find((t) => t.name === 'pipeline_0')!;
    const write = p.threads.find((t) => t.name === 'pipeline_2')!;
    const put = at('queuePut', 'PARSE-PUT');
    const get = at('queueGet', 'WRITE-GET');
    assert.ok(put >= 0.5 * (parse.endSeconds - parse.startSeconds), `parse blocked in put() ${put.toFixed(3)} s`);
    assert.ok(get >= 0.5 * (write.endSeconds - write.startSeconds), `write blocked in get() ${get.toFixed(3)} s`);
    // The slow stage itself hardly waits for anything: it is never starved.
    assert.ok(at('queueGet', 'TRANSFORM-GET') < 0.1 * (run.truth['seconds'] as number), 'transform is not starved');
  });
});
