import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { ReportProcess } from '../../../src/core/report/schema';
import { repoRoot } from '../../support/repoRoot';
import { checkPicture, checkSuggestions, childrenOf, describeSuggestions, expectationsHold, loadExpectation, rootProcess } from '../support/expect';
import { CORES, recordQuiet, recordScript, SCENARIO_PYTHON } from '../support/record';
import type { ScenarioRun } from '../support/record';

/**
 * Issue 10, scenario 2: a queue ping-pong (test/workloads/pingpong.py) in
 * strict lock-step, one item in flight: one thread, two threads, two
 * processes. Scaled down to 20,000 items from the issue's million (which
 * would take 25-30 s a mode); the comparison is the same. Where the time
 * goes: for two threads, every item is two GIL hand-overs (each thread
 * blocks in get(), the other is woken and waits for the GIL); for two
 * processes, pickling and pipe transfer in multiprocessing/connection.py.
 */

const E = loadExpectation('pingpong');
const SCRIPT = join(repoRoot, 'test/workloads/pingpong.py');
const ITEMS = 20_000;
const MODES = ['thread1', 'threads2', 'processes2'] as const;

const CONNECTION = /[\\/]multiprocessing[\\/]connection\.py$/;

/** Time on a process's lines in multiprocessing/connection.py (pickled bytes framed, sent and received through the pipe). */
function connectionTime(p: ReportProcess): { held: number; released: number; all: number } {
  const lines = p.lines.filter((l) => CONNECTION.test(l.file));
  const busy = (l: (typeof p.lines)[number]) => l.gilHeldSeconds + l.releasedSeconds - l.blockedSeconds - l.lockWaitSeconds;
  return {
    held: lines.reduce((s, l) => s + l.gilHeldSeconds, 0),
    released: lines.reduce((s, l) => s + l.releasedSeconds, 0),
    all: p.lines.reduce((s, l) => s + Math.max(0, busy(l)), 0),
  };
}

describe(`scenario pingpong (${SCENARIO_PYTHON}, ${CORES} cores, ${ITEMS} items in lock-step)`, () => {
  const runs = new Map<string, ScenarioRun>();
  let loaded = false;
  before(async () => {
    const got = await recordQuiet(2, async () => {
      const out: ScenarioRun[] = [];
      for (const mode of MODES) {
        out.push(await recordScript(mode, SCRIPT, ['--mode', mode, '--items', String(ITEMS), '--window', '1', '--start-method', 'fork']));
      }
      return out;
    }, expectationsHold(E));
    got.runs.forEach((r) => runs.set(r.name, r));
    loaded = got.busy;
  });
  const run = (mode: string) => runs.get(mode)!;

  for (const mode of MODES) {
    it(`${mode}: the picture (thread states, processes)`, () => checkPicture(run(mode), E.runs[mode]!));
    it(`${mode}: the suggestions state their evidence${E.runs[mode]!.top ? ', and the top one' : ''}`, () => checkSuggestions(run(mode), E.runs[mode]!));
  }

  it('thread1: a free-threaded build is not the first advice for a program with one thread, and is predicted for that one thread', () => {
    const r = run('thread1');
    assert.notEqual(r.suggestions[0]?.kind, 'freeThreaded', describeSuggestions(r.suggestions));
    // One thread without a GIL runs alone as before, its Python code a little slower: no gain, whatever it could reach once split.
    const ft = r.suggestions.find((s) => s.kind === 'freeThreaded');
    assert.ok(ft, describeSuggestions(r.suggestions));
    assert.ok(ft.predictedSpeedup <= 1.05 && ft.predictedInterval[1] <= 1.1, `${ft.predictedSpeedup} (${ft.predictedInterval.join('–')}): ${ft.title}`);
    assert.equal(ft.workers, 1);
    assert.ok((ft.evidence['ifSplitSpeedup'] ?? 0) > ft.predictedSpeedup, JSON.stringify(ft.evidence));
    // The top one is the split, said as a condition, its interval reaching down to the work left whole.
    const top = r.suggestions[0]!;
    assert.match(top.title, /^If the work can be split into independent tasks/, describeSuggestions(r.suggestions));
    assert.ok(top.predictedInterval[0] <= 1.05, `${top.kind} interval ${top.predictedInterval.join('–')}`);
  });

  it('one thread is the fastest: handing items over costs more than the work', (t) => {
    const s = Object.fromEntries(MODES.map((m) => [m, run(m).truth['exchange_seconds'] as number]));
    t.diagnostic(`exchange: ${MODES.map((m) => `${m} ${s[m]!.toFixed(3)} s (${((s[m]! / ITEMS) * 1e6).toFixed(1)} µs/item)`).join(', ')}`);
    assert.ok(s['thread1']! < s['threads2']! && s['thread1']! < s['processes2']!, JSON.stringify(s));
  });

  it('threads2: the time goes to GIL hand-overs: every item, each thread blocks and the other is woken to wait for the GIL', () => {
    const r = run('threads2');
    const p = rootProcess(r);
    const driver = p.threads.find((t) => t.isMain)!;
    const echoer = p.threads.find((t) => t.name === 'echoer')!;
    // Lock-step: the GIL changes hands at least twice per item.
    assert.ok(driver.acquisitions >= ITEMS && echoer.acquisitions >= ITEMS, `acquisitions ${driver.acquisitions}, ${echoer.acquisitions} for ${ITEMS} items`);
    // The waits are at the queue's Condition.wait inside get(): blocked there, then waiting for the GIL there.
    const waitLine = [...p.lines].sort((a, b) => b.gilWaitSeconds - a.gilWaitSeconds)[0]!;
    assert.match(`${waitLine.file}:${waitLine.function}`, /threading\.py:Condition\.wait$/);
    const gilWait = driver.gil.waitSeconds + echoer.gil.waitSeconds;
    assert.ok(waitLine.gilWaitSeconds >= 0.8 * gilWait, `Condition.wait has ${waitLine.gilWaitSeconds} of ${gilWait} s of GIL wait`);
    const queueGets = p.locks.flatMap((l) => l.waitKinds).filter((k) => k.kind === 'queueGet');
    assert.ok(queueGets.reduce((s, k) => s + k.count, 0) >= ITEMS, `blocking gets ${JSON.stringify(queueGets.map((k) => k.count))}`);
  });

  it('threads2: the summary says the hand-overs are the cost, and does not predict processes to help', (t) => {
    const r = run('threads2');
    const all = describeSuggestions(r.suggestions);
    const top = r.suggestions[0]!;
    assert.equal(top.kind, 'batchWork', all);
    // Its evidence: the hand-overs (both threads block in get() about once an item each), their rate and cost.
    const e = top.evidence;
    assert.ok((e['handOvers'] ?? 0) >= 2 * ITEMS * 0.9, JSON.stringify(e));
    assert.ok((e['handOversPerSecond'] ?? 0) > 0 && (e['secondsPerHandOver'] ?? 0) > 0, JSON.stringify(e));
    assert.ok(top.predictedSpeedup > 1.15, all);
    assert.ok(top.target && /pingpong\.py$/.test(top.target.file), `aimed at the exchange's get: ${JSON.stringify(top.target)}`);
    // The two threads take turns: processes cannot run them side by side and add a message per hand-over.
    const processes = r.suggestions.find((s) => s.kind === 'useProcesses')!;
    const measured = (run('threads2').truth['exchange_seconds'] as number) / (run('processes2').truth['exchange_seconds'] as number);
    t.diagnostic(`processes predicted ${processes.predictedSpeedup}× (${processes.predictedInterval.join('–')}), measured processes2 against threads2 ${measured.toFixed(2)}×; batching ${top.predictedSpeedup}×`);
    // Judged as the free-threaded advice below is: on a loaded machine the threads' waits for a CPU show as GIL
    // waits, which look like work that could overlap (a CI run beside another test file predicted 1.32×); it must
    // still come below batching.
    assert.ok(processes.predictedSpeedup < (loaded ? top.predictedSpeedup : 1.15), all);
    // Without the GIL the turns stay turns: its hand-over waits go, no more (below batching; and modest, judged
    // on a quiet machine: when other programs take the cores, the threads' GIL waits grow and look like overlap).
    for (const s of r.suggestions.filter((x) => x.kind === 'freeThreaded' || x.kind === 'subInterpreters')) {
      assert.ok(s.predictedSpeedup < (loaded ? top.predictedSpeedup : Math.min(1.3, top.predictedSpeedup)), all);
    }
  });

  it('processes2: the time goes to pickling and pipe transfer in multiprocessing/connection.py, in both processes', () => {
    const r = run('processes2');
    for (const p of [rootProcess(r), ...childrenOf(r)]) {
      const c = connectionTime(p);
      assert.ok(c.held > 0 && c.released > 0, `pid ${p.pid}: connection.py held ${c.held} released ${c.released}`);
      assert.ok(c.held + c.released >= 0.5 * c.all, `pid ${p.pid}: connection.py has ${(c.held + c.released).toFixed(3)} s of ${c.all.toFixed(3)} s of its threads' time outside event waits`);
    }
    const top = r.suggestions[0]!;
    assert.ok(top.target && CONNECTION.test(top.target.file), `the summary names connection.py: ${JSON.stringify(top.target)}`);
  });
});
