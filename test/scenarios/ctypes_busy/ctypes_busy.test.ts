import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { checkPicture, checkSuggestions, expectationsHold, loadExpectation } from '../support/expect';
import { gcc } from '../support/build';
import { CORES, recordQuiet, recordScript, SCENARIO_PYTHON, SCENARIOS } from '../support/record';
import type { ScenarioRun } from '../support/record';
import { freeCoresOf } from '../../support/machineCores';

/**
 * Issue 10, scenario 3: a C function called through ctypes busy-waits for a
 * second (busy.c, built here with gcc) beside a pure-Python thread. ctypes
 * drops the GIL for the call: the ctypes thread runs released at its call
 * line while the Python thread holds the GIL, and both cores are used.
 */

const E = loadExpectation('ctypes_busy');

describe(`scenario ctypes_busy (${SCENARIO_PYTHON}, ${CORES} cores)`, () => {
  let run: ScenarioRun;
  before(async () => {
    const dir = await gcc(['-O2', '-shared', '-fPIC', join(SCENARIOS, 'ctypes_busy/busy.c'), '-o', 'libbusy.so']);
    const got = await recordQuiet(3, async () => [await recordScript('ctypes', 'ctypes_busy/ctypes_busy.py', [join(dir, 'libbusy.so'), '1.0'])], expectationsHold(E));
    run = got.runs[0]!;
  });

  it('the picture: the ctypes thread released at its call, the Python thread holding the GIL', () => checkPicture(run, E.runs['ctypes']!));
  it('the top suggestion: threads are fine, at the ctypes call; every suggestion states its evidence', () => checkSuggestions(run, E.runs['ctypes']!));

  it('both run at once: the C call overlaps the Python loop, and they use the cores other programs left them', () => {
    const phases = run.truth['phases'] as Record<string, [number, number]>;
    const [c0, c1] = phases['ctypes']!;
    const [p0, p1] = phases['python']!;
    const overlap = Math.min(c1, p1) - Math.max(c0, p0);
    assert.ok(overlap >= 0.9 * (run.truth['seconds'] as number), `the calls overlapped ${overlap.toFixed(3)} s`);
    const cores = run.truth['cores_used'] as number;
    // two threads, one in C without the GIL: both cores on a quiet machine (1.7 of 2 was the
    // bound), as many as other programs left them on a busy one
    const free = freeCoresOf(run.truth, CORES);
    assert.ok(cores >= 0.85 * Math.min(2, free), `process CPU / wall = ${cores.toFixed(2)} with ${free.toFixed(2)} cores free (foreign CPUs ${run.truth.machine?.foreign_cpus})`);
  });
});
