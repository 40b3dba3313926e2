import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ThreadResult } from '../../src/core/analysis/model';
import { concurrency, overlapSeconds, sideBySideSeconds } from '../../src/core/suggest/concurrency';
import { estimatedCosts, MESSAGE_SECONDS } from '../../src/core/suggest/costs';
import { predictMode } from '../../src/core/suggest/parallel';
import type { ExchangePressure, WorkProfile } from '../../src/core/suggest/profile';
import { suggest } from '../../src/core/suggest/suggest';
import { randomThreadLives, runnableAt, threadLife } from '../support/threadLives';

/**
 * Threads that wait on each other, and a program whose work runs in one
 * thread (docs/suggestions.md, "Threads that wait on each other", "One
 * thread"), on profiles whose answers are worked out by hand.
 */

const site = { file: '/src/app.py', line: 12, function: 'work' };

/** A thread over [0, end] blocked in the given spans. */
function thread(slot: number, end: number, blocked: readonly number[] | null): ThreadResult {
  return threadLife(slot, 0, end, blocked);
}

function profile(over: Partial<WorkProfile> = {}): WorkProfile {
  return {
    baseline: 'recording', pid: 1, wallSeconds: 2, serialSeconds: 0, workers: 2, cores: 2, heldSeconds: 1.4, releasedSeconds: 0,
    gilWaitSeconds: 0.6, lockWaitSeconds: 0, chainSeconds: 0.7, tasks: null, hot: { target: site, heldSeconds: 1.4 }, released: null,
    locks: [], convoy: null, workerProcesses: 0, ipc: null, python: { version: '3.12.1', gilEnabled: true }, ...over,
  };
}

describe('threads that wait on each other', () => {
  it('the runnable count over time: threads taking turns are runnable one at a time, threads fighting for the GIL together', () => {
    // Lock-step: t0 runs in [0, 1) and [2, 3), t1 in [1, 2) and [3, 4); each is blocked while the other runs.
    const turns = concurrency([thread(0, 4, [1, 2, 3, 4]), thread(1, 4, [0, 1, 2, 3])], 0, 4)!;
    assert.deepEqual(turns.seconds, [0, 4, 0]);
    assert.equal(turns.handOvers, 4);
    assert.equal(sideBySideSeconds(turns.seconds, 2), 4, 'nothing can run side by side');
    // Never blocked: both runnable throughout, so on 2 cores the 4 s could take 2.
    const fight = concurrency([thread(0, 4, []), thread(1, 4, [])], 0, 4)!;
    assert.deepEqual(fight.seconds, [0, 0, 4]);
    assert.equal(sideBySideSeconds(fight.seconds, 2), 2);
    assert.equal(overlapSeconds(fight.seconds), 4);
    // Both blocked at once: no one can run (a wake-up's latency).
    const idle = concurrency([thread(0, 2, [0.5, 1]), thread(1, 2, [0.5, 1.5])], 0, 2)!;
    assert.deepEqual(idle.seconds, [0.5, 0.5, 1]);
  });

  it('the runnable count of many threads in a window that cuts their lives and spans agrees with counting at each moment', () => {
    // Threads starting and ending at their own times, blocked in spans that the window [3, 37] cuts;
    // all times are whole, so counting at the middle of each unit interval is the exact answer.
    const threads = randomThreadLives(7, 9);
    const [from, to] = [3, 37];
    const expected = new Array<number>(threads.length + 1).fill(0);
    let handOvers = 0;
    for (let x = from; x < to; x++) {
      const m = x + 0.5;
      expected[threads.filter((t) => runnableAt(t, m)).length]! += 1;
    }
    for (const t of threads) {
      const s = t.blockedSpans!;
      for (let i = 0; i < s.length; i += 2) if (Math.min(to, t.endSeconds, s[i + 1]!) > Math.max(from, t.startSeconds, s[i]!)) handOvers++;
    }
    const c = concurrency(threads, from, to)!;
    assert.deepEqual(c.seconds, expected);
    assert.equal(c.handOvers, handOvers);
    assert.ok(handOvers > 20, 'the spans cross the window many times');
  });

  it('unknown blocked spans (the logs ran out of room): no answer', () => {
    assert.equal(concurrency([thread(0, 4, []), thread(1, 4, null)], 0, 4), null);
  });

  it('processes for two threads in lock-step: no side by side, and a message per hand-over', () => {
    const exchange: ExchangePressure = { runnableSeconds: [0.1, 1.9, 0], handOvers: 20_000, handOverSeconds: 0.8, target: site };
    const p = profile({ exchange });
    const d = predictMode(p, 'processes-fork', 2, { ...estimatedCosts('processes-fork', 2, 2), startupSeconds: 0, shutdownSeconds: 0 });
    // T_work = max(H / 2, C, 1.9 s side by side) = 1.9 s; 20,000 messages.
    assert.ok(Math.abs(d.speedup - 2 / (1.9 + 20_000 * MESSAGE_SECONDS)) < 1e-9, `got ${d.speedup}`);
    assert.equal(d.evidence['sideBySideSeconds'], 1.9);
    // The same threads independent (both runnable all along) would be 2×.
    const independent = predictMode(profile({ exchange: { ...exchange, runnableSeconds: [0, 0, 2], handOvers: 0 } }), 'processes-fork', 2, { ...estimatedCosts('processes-fork', 2, 2), startupSeconds: 0, shutdownSeconds: 0 });
    assert.ok(Math.abs(independent.speedup - 2 / 1) < 1e-9, `got ${independent.speedup}`);
  });

  it('batching the exchange comes first for threads in lock-step, with its hand-overs as evidence', () => {
    const exchange: ExchangePressure = { runnableSeconds: [0.1, 1.9, 0], handOvers: 20_000, handOverSeconds: 0.8, target: site };
    const s = suggest(profile({ exchange }));
    const top = s[0]!;
    assert.equal(top.kind, 'batchWork', s.map((x) => `${x.kind} ${x.predictedSpeedup}`).join(', '));
    assert.ok(Math.abs(top.predictedSpeedup - 2 / (2 - 0.8 * (1 - 1 / 8))) < 1e-3, `got ${top.predictedSpeedup}`);
    assert.equal(top.evidence['handOvers'], 20_000);
    assert.equal(top.evidence['secondsPerHandOver'], 0.8 / 20_000);
    assert.equal(top.evidence['handOversPerSecond'], 10_000);
    for (const kind of ['useProcesses', 'freeThreaded', 'subInterpreters', 'releaseGil'] as const) {
      const d = s.find((x) => x.kind === kind)!;
      assert.ok(d.predictedSpeedup < 1.1, `${kind} ${d.predictedSpeedup}`);
    }
  });

  it('threads that could run side by side are not told to batch, however many waits they had', () => {
    const exchange: ExchangePressure = { runnableSeconds: [0, 0.4, 1.6], handOvers: 20_000, handOverSeconds: 0.8, target: site };
    assert.equal(suggest(profile({ exchange })).find((x) => x.kind === 'batchWork'), undefined);
  });
});

describe('one thread', () => {
  const one = profile({ baseline: 'serial', workers: 1, heldSeconds: 2, chainSeconds: 2, gilWaitSeconds: 0, exchange: null });

  it('a free-threaded build, sub-interpreters and releasing the GIL are predicted for that one thread, what a split would reach beside', () => {
    const s = suggest(one);
    const ft = s.find((x) => x.kind === 'freeThreaded')!;
    // 3.12: no free-threaded interpreter known, Python code 1.1× slower (1.05–1.4): 2 / 2.2 s, less a little start-up.
    assert.ok(ft.predictedSpeedup < 1 && ft.predictedSpeedup > 0.85, `got ${ft.predictedSpeedup}`);
    assert.ok(ft.predictedInterval[1] < 1, `the interval ${ft.predictedInterval.join('–')}`);
    assert.equal(ft.workers, 1);
    assert.ok(ft.evidence['ifSplitSpeedup']! > 1.5, JSON.stringify(ft.evidence));
    for (const kind of ['subInterpreters', 'releaseGil'] as const) {
      const d = s.find((x) => x.kind === kind)!;
      assert.ok(d.predictedSpeedup <= 1.001 && d.workers === 1, `${kind} ${d.predictedSpeedup} for ${d.workers}`);
    }
  });

  it('the top one is the split, said as a condition, its interval reaching down to the work left whole', () => {
    const s = suggest(one);
    assert.equal(s[0]!.kind, 'useProcesses');
    assert.match(s[0]!.title, /^If the work can be split into independent tasks/);
    assert.ok(s[0]!.predictedSpeedup > 1.5 && s[0]!.predictedInterval[0] < 1, `${s[0]!.predictedSpeedup} (${s[0]!.predictedInterval.join('–')})`);
  });

  it('a comparison\'s serial run, whose tasks are known, is split already: its remedies are predicted for the tasks', () => {
    const s = suggest({ ...one, tasks: [0.5, 0.5, 0.5, 0.5] }, { workers: 2 });
    assert.ok(s.find((x) => x.kind === 'freeThreaded')!.predictedSpeedup > 1.5);
  });
});
