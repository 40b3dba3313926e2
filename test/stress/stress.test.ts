import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { describeFinding } from '../support/stress/differential';
import { readRecordingHere, stressPython, stressPythons } from '../support/stress/interpreters';
import { runStress } from '../support/stress/session';
import type { PythonSummary } from '../support/stress/session';

/**
 * The differential stress harness (issue 17; test/stress/README.md): on every interpreter
 * `npm run pythons` lists, PROGRAMS random programs (test/support/stress/) run bare and
 * recorded, and must exit alike, print alike (stdout and the program's own stderr), not hang,
 * and leave a recording that `gilscope report --json` reads, every process recorded. A failure
 * names the seed and the one command that shows it again. bench/stress.mjs runs 1,000.
 *
 * What it costs is mostly starting processes (a program's own work is a few tens of ms of CPU):
 * bare ~0.06 s of CPU, `python -m gilscope.run` ~0.17 s, `gilscope record` ~0.45 s (Node, the
 * probe check, the summary). So each program is recorded by one launcher, `gilscope record`
 * every LAUNCHER_CYCLE-th and `python -m gilscope.run` the others, at the same time as its bare
 * run, and recordings are read in this process by the code `report --json` runs; the benchmark
 * runs both launchers on every program and the CLI on every recording.
 * GILSCOPE_STRESS_SEED=N repeats a run's programs (its base seed is printed).
 */
const PROGRAMS = 24;
const LAUNCHER_CYCLE = 4;
const CONCURRENCY = 4;
/**
 * A run outliving this is a hang: programs take well under a second bare, a few seconds on a
 * busy machine; with other test files and benchmarks crowding two cores a bare run was seen
 * to take 57 s, so twice that.
 */
const TIMEOUT_MS = 120_000;

const baseSeed = process.env['GILSCOPE_STRESS_SEED'] ? Number(process.env['GILSCOPE_STRESS_SEED']) : Math.floor(Math.random() * 2 ** 31);

describe('stress: random programs behave recorded exactly as bare', { concurrency: true }, async () => {
  const found = await stressPythons();
  it('finds interpreters to run them on', () => assert.ok(found.length > 0, "none listed by 'npm run pythons'"));
  const pythons = await Promise.all(found.map(stressPython));
  const summaries = runStress({
    pythons,
    programs: PROGRAMS,
    baseSeed,
    launchersFor: (i) => [i % LAUNCHER_CYCLE === 0 ? 'gilscope record' : 'python -m gilscope.run'],
    concurrency: CONCURRENCY,
    timeoutMs: TIMEOUT_MS,
    readRecording: readRecordingHere,
    workDir: mkdtempSync(join(tmpdir(), 'gilscope-stress-')),
  });
  for (const python of pythons) {
    it(`${python.tag}: ${PROGRAMS} programs (base seed ${baseSeed})`, async (t) => {
      const summary: PythonSummary = await summaries.get(python.tag)!;
      t.diagnostic(`${summary.programs} programs, ${summary.recordedRuns} recorded runs, ${summary.seconds.toFixed(0)} s; base seed ${baseSeed}`);
      for (const note of summary.notes) t.diagnostic(note);
      assert.deepEqual(summary.findings.map(describeFinding), [], `${summary.findings.length} finding(s) on ${python.tag}`);
      if (python.freeThreaded) {
        // every program prints sys._is_gil_enabled() twice; recorded, it stays False
        assert.ok(summary.gilLines.length >= PROGRAMS, `only ${summary.gilLines.length} gil_enabled lines`);
        assert.deepEqual([...new Set(summary.gilLines)], ['gil_enabled False']);
      }
    });
  }
});
