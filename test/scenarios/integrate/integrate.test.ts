import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { checkPicture, checkSuggestions, describeSuggestions, expectationsHold, lineAt, loadExpectation, rootProcess } from '../support/expect';
import { CORES, recordQuiet, recordScript, SCENARIO_PYTHON } from '../support/record';
import type { ScenarioRun } from '../support/record';
import { freeCoresOf } from '../../support/machineCores';

/**
 * Issue 10, scenario 1: numerical integration in pure Python, serially, in
 * threads and in processes (test/scenarios/integrate/). Threads take turns
 * on the GIL and gain nothing; processes show two children and run close to
 * 2× faster, less the pool's start-up. The speedups are judged against the cores
 * other programs left each run, as it measured them (the least loaded of up to three tries).
 */

const E = loadExpectation('integrate');
const MODES = ['serial', 'threads', 'processes'] as const;
const STEPS = '8000000';

describe(`scenario integrate (${SCENARIO_PYTHON}, ${CORES} cores)`, () => {
  const runs = new Map<string, ScenarioRun>();
  let loaded = false;
  before(async () => {
    const got = await recordQuiet(3, recordModes, expectationsHold(E));
    got.runs.forEach((r) => runs.set(r.name, r));
    loaded = got.busy;
  });
  const run = (mode: string) => runs.get(mode)!;

  for (const mode of MODES) {
    it(`${mode}: the picture (thread states, lines, children)`, () => checkPicture(run(mode), E.runs[mode]!));
    it(`${mode}: the top suggestion, and every suggestion states its evidence`, () => checkSuggestions(run(mode), E.runs[mode]!));
  }

  it('threads: a GIL convoy: the workers take turns, the GIL changing hands every switch interval, held all the while', () => {
    const p = rootProcess(run('threads'));
    const workers = p.threads.filter((t) => t.name.startsWith('ThreadPoolExecutor'));
    const start = Math.max(...workers.map((t) => t.startSeconds));
    const end = Math.min(...workers.map((t) => t.endSeconds));
    const held = workers.reduce((s, t) => s + t.gil.heldSeconds, 0);
    const waited = workers.reduce((s, t) => s + t.gil.waitSeconds, 0);
    // One of the two always holds while the other waits: held ≈ the whole span, and each waits about what the other held.
    assert.ok(held >= 0.85 * (end - start), `workers held ${held.toFixed(3)} s of a ${(end - start).toFixed(3)} s overlap`);
    // On a loaded machine a worker the OS preempts after a release is neither holding nor
    // waiting (released), so there the bound is on the time it did not hold.
    const released = workers.reduce((s, t) => s + t.gil.releasedSeconds, 0);
    const notHolding = loaded ? waited + released : waited;
    assert.ok(notHolding >= 0.5 * (end - start), `workers waited ${waited.toFixed(3)} s for the GIL (released ${released.toFixed(3)} s) over ${(end - start).toFixed(3)} s`);
    const switches = workers.reduce((s, t) => s + t.acquisitions, 0);
    // A hand-over every switch interval; on a loaded machine the thread handed the GIL may wait
    // for a core first, so fewer fit in the overlap.
    const perInterval = loaded ? 0.3 : 0.5;
    assert.ok(switches >= perInterval * ((end - start) / 0.005), `${switches} hand-overs in ${(end - start).toFixed(3)} s (one per 5 ms interval)`);
  });

  it('threads gain nothing over serial; processes come close to 2× less start-up, on the cores other programs left each run', async (t) => {
    // This VM's speed moves from one run to the next by up to a sixth with nothing else running
    // (the hypervisor's other guests, unseen by /proc/stat), which one run of each mode cannot
    // tell from a wrong speedup: when the figures miss, every mode runs once more, said, and
    // each keeps its faster run, as a benchmark keeps the fastest of its repeats.
    let timed = MODES.map((m) => run(m));
    let said = speedups(timed);
    if (said.miss) {
      const again = await recordModes();
      t.diagnostic(`missed (${said.miss}) with one run of each mode; ran each once more`);
      timed = timed.map((r, i) => ((again[i]!.truth['seconds'] as number) < (r.truth['seconds'] as number) ? again[i]! : r));
      said = speedups(timed);
    }
    t.diagnostic(said.text);
    assert.equal(said.miss, null, said.text);
  });

  it('serial: the hot line is named', () => {
    const r = run('serial');
    const line = lineAt(r, rootProcess(r), 'HOT-LINE');
    assert.ok(line && line.gilHeldSeconds >= 0.8 * rootProcess(r).threads[0]!.gil.heldSeconds, 'HOT-LINE holds the GIL');
    assert.equal(r.suggestions[0]?.target?.line, r.truth.markers['HOT-LINE']![0]);
  });
});

/** One run of each mode, one after the other. */
async function recordModes(): Promise<ScenarioRun[]> {
  const out: ScenarioRun[] = [];
  for (const mode of MODES) out.push(await recordScript(mode, 'integrate/integrate.py', ['--mode', mode, '--steps', STEPS]));
  return out;
}

/**
 * The speedups of threads and processes over serial, against what each run's cores allowed
 * (from what it measured of the machine: one core at most for serial Python and for threads
 * behind one GIL, two at most for two processes), and the processes suggestion's prediction;
 * `miss` says the first figure out of bounds, null when none is.
 */
function speedups(runs: readonly ScenarioRun[]): { text: string; miss: string | null } {
  const [serial, threads, processes] = runs.map((r) => r.truth['seconds'] as number) as [number, number, number];
  const [freeSerial, freeThreads, freeProcesses] = runs.map((r) => freeCoresOf(r.truth, CORES)) as [number, number, number];
  const oneCore = (free: number) => Math.min(1, free);
  const threadsExpected = oneCore(freeThreads) / oneCore(freeSerial);
  const processesExpected = Math.min(2, freeProcesses) / oneCore(freeSerial);
  const text = `serial ${serial.toFixed(3)} s, threads ${threads.toFixed(3)} s (${(serial / threads).toFixed(2)}×, the cores allow ${threadsExpected.toFixed(2)}×), ` +
    `processes ${processes.toFixed(3)} s (${(serial / processes).toFixed(2)}×, the cores allow ${processesExpected.toFixed(2)}×); ` +
    `cores free ${[freeSerial, freeThreads, freeProcesses].map((f) => f.toFixed(2)).join(', ')}`;
  // ±30%: the free cores are each run's average, and a loaded machine's share moves within a run
  if (!(serial / threads > 0.7 * threadsExpected && serial / threads < 1.3 * threadsExpected)) return { text, miss: `threads: ${(serial / threads).toFixed(2)}× over serial, ${threadsExpected.toFixed(2)}× allowed` };
  if (CORES < 2) return { text, miss: null };
  // less the pool's start-up and the loads' changes within a run: 1.5 of 2 on a quiet machine
  if (!(serial / processes >= 0.75 * processesExpected && serial / processes <= 1.05 * Math.max(processesExpected, 2))) {
    return { text, miss: `processes: ${(serial / processes).toFixed(2)}× over serial, ${processesExpected.toFixed(2)}× allowed by the cores` };
  }
  // the prediction is for this machine's cores (the suggestions of forMachineCores); the
  // measurement is brought to them through what the runs had
  const predicted = runs[1]!.suggestions.find((s) => s.kind === 'useProcesses')!.predictedSpeedup;
  const measured = (threads / processes) * (Math.min(2, CORES) / Math.min(2, freeProcesses)) * (oneCore(freeThreads) / 1);
  if (Math.abs(predicted - measured) > 0.3 * measured) {
    return { text, miss: `useProcesses predicted ${predicted}× over threads, measured ${measured.toFixed(2)}× for ${Math.min(2, CORES)} cores (${(threads / processes).toFixed(2)}× as run)\n${describeSuggestions(runs[1]!.suggestions)}` };
  }
  return { text, miss: null };
}
