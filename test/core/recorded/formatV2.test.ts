import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import type { ProcessResult } from '../../../src/core/analysis/model';
import { analyzeRecording, RecordingSession } from '../../../src/core/analysis/recordingSession';
import { parseHeader } from '../../../src/core/format/header';
import { RecordingFlag } from '../../../src/core/format/layout';
import { tempDir } from '../../support/recordingFixtures';
import { repoRoot } from '../../support/repoRoot';
import { runOk } from '../../support/runProcess';
import { runtimePythonPath, TEST_PYTHON } from '../../support/recordWorkload';
import type { Truth } from '../../support/recordWorkload';

/**
 * Format version 2 on REAL recordings (runtime/FORMAT.md): the summaries
 * stand for what they fold, so a run recorded with the full log kept beside
 * them (GILSCOPE_QUIET=both) gives the same figures read either way; every
 * program thread has its run-queue delay and gilscope's own thread is never
 * listed. Skipped, saying so, while the runtime writes version 1.
 *
 * GILSCOPE_TEST_RUNTIME_PYTHONPATH points at another runtime's
 * `runtime/python` (a branch's format-2 writer not merged yet).
 */

const PYTHONPATH = process.env['GILSCOPE_TEST_RUNTIME_PYTHONPATH'] || runtimePythonPath();

interface Run {
  readonly dir: string;
  readonly truth: Truth;
  readonly version: number;
  readonly flags: number;
}

/** While `recording` runs, a live session polls `dir` every 30 ms (as the extension follows a run); its analysis at the end. */
async function follow(dir: string, recording: Promise<unknown>): Promise<{ polls: number; result: ReturnType<RecordingSession['result']> }> {
  let done = false;
  const finished = recording.finally(() => {
    done = true;
  });
  while (!done && !(existsSync(dir) && readdirSync(dir).some((f) => f.endsWith('.gsr')))) await new Promise((r) => setTimeout(r, 10));
  const s = new RecordingSession(dir);
  let polls = 0;
  try {
    while (!done) {
      s.poll();
      polls++;
      await new Promise((r) => setTimeout(r, 30));
    }
    await finished;
    s.poll();
    return { polls, result: s.result() };
  } finally {
    s.close();
  }
}

async function record(name: string, args: readonly string[], env: Readonly<Record<string, string>>, dir = join(tempDir('gilscope-v2-'), `${name}.gilscope`)): Promise<Run> {
  const ran = await runOk(TEST_PYTHON, ['-m', 'gilscope.run', '--no-fallback', '-o', dir, join(repoRoot, 'test/workloads', `${name}.py`), ...args], {
    env: { ...process.env, PYTHONPATH, PYTHONDONTWRITEBYTECODE: '1', GILSCOPE_TRUTH: '1', ...env },
    timeoutMs: 180_000,
  });
  const line = ran.stdout.trimEnd().split('\n').pop() ?? '';
  const truth = JSON.parse(line.slice(line.indexOf('{'))) as Truth;
  const file = readdirSync(dir).find((f) => f.endsWith('.gsr'))!;
  const h = parseHeader(new Uint8Array(readFileSync(join(dir, file))), file);
  return { dir, truth, version: h.formatVersion, flags: h.live.recordingFlags };
}

function mainProcess(dir: string, summaries: 'use' | 'ignore', pid: number): ProcessResult {
  const p = analyzeRecording(dir, { summaries }).processes.find((x) => x.pid === pid);
  assert.ok(p, `process ${pid}`);
  return p;
}

const runs = new Map<string, Run>();
let skipReason = '';

function need(t: TestContext, name: string): Run | undefined {
  const r = runs.get(name);
  if (r && !skipReason) return r;
  t.skip(skipReason || `${name} was not recorded`);
  return undefined;
}

describe(`what format version 2 brought (summaries, the full log, following a file), in the runtime's files, recorded with ${TEST_PYTHON}`, { timeout: 600_000 }, () => {
  before(async () => {
    // One after another: side by side they would load the machine they measure.
    const full = { GILSCOPE_QUIET: 'both' };
    runs.set('many_releases', await record('many_releases', ['--seconds', '0.5'], full));
    const first = runs.get('many_releases')!;
    if (first.version < 2) {
      skipReason = `the runtime writes format version ${first.version}: these run once it writes version 2 or later`;
      return;
    }
    runs.set('pingpong', await record('pingpong', ['--items', '20000'], full));
    runs.set('lock_convoy', await record('lock_convoy', [], full));
    runs.set('many_releases summarised', await record('many_releases', ['--seconds', '0.5'], {}));
    const dir = join(tempDir('gilscope-v2-'), 'many_releases.gilscope');
    const followed = await follow(dir, record('many_releases', ['--seconds', '1.5'], {}, dir).then((r) => runs.set('many_releases followed', r)));
    live = followed;
  });

  let live: Awaited<ReturnType<typeof follow>> | undefined;

  it('followed while it runs, a summarising recording gives what it gives once finished: no retracted record taken, none lost', (t) => {
    const r = need(t, 'many_releases followed');
    if (!r || !live) return;
    assert.ok(live.polls >= 10, `${live.polls} polls while it ran`);
    const once = analyzeRecording(r.dir).processes.find((p) => p.pid === r.truth.pid)!;
    const followed = live.result.processes.find((p) => p.pid === r.truth.pid)!;
    for (const [i, o] of once.threads.entries()) {
      const l = followed.threads[i]!;
      assert.equal(l.acquisitions, o.acquisitions, `${o.name} switches`);
      for (const k of ['heldSeconds', 'waitSeconds', 'releasedSeconds'] as const) assert.ok(Math.abs(l.gil[k] - o.gil[k]) < 1e-5, `${o.name} ${k}: ${l.gil[k]} followed, ${o.gil[k]} once finished`);
    }
  });

  it('the summaries give the full log\'s figures: each thread\'s GIL times, switches, and each lock\'s acquisitions and hold', (t) => {
    for (const name of ['many_releases', 'pingpong', 'lock_convoy']) {
      const r = need(t, name);
      if (!r) return;
      assert.ok((r.flags & RecordingFlag.fullLogKept) !== 0, `${name}: recorded with the full log kept`);
      const used = mainProcess(r.dir, 'use', r.truth.pid);
      const full = mainProcess(r.dir, 'ignore', r.truth.pid);
      assert.ok(used.records < full.records, `${name}: the summaries stand for records (${used.records} against ${full.records})`);
      assert.deepEqual(used.threads.map((x) => x.name), full.threads.map((x) => x.name));
      for (const [i, f] of full.threads.entries()) {
        const u = used.threads[i]!;
        // A thread's last summary is lost when the process ends while it runs (FORMAT.md): a millisecond at most.
        for (const k of ['heldSeconds', 'waitSeconds', 'releasedSeconds'] as const) {
          assert.ok(Math.abs(u.gil[k] - f.gil[k]) <= 0.002, `${name} ${f.name} ${k}: ${u.gil[k]} with the summaries, ${f.gil[k]} from the full log`);
        }
        assert.ok(Math.abs(u.acquisitions - f.acquisitions) <= Math.max(5, 0.002 * f.acquisitions), `${name} ${f.name} switches: ${u.acquisitions} against ${f.acquisitions}`);
      }
      for (const fl of full.locks.filter((l) => l.acquisitions > 0)) {
        const ul = used.locks.find((l) => l.id === fl.id)!;
        assert.equal(ul.contended, fl.contended, `${name} lock ${fl.id} contended`);
        assert.ok(Math.abs(ul.acquisitions - fl.acquisitions) <= 1, `${name} lock ${fl.id} acquisitions: ${ul.acquisitions} against ${fl.acquisitions}`);
        assert.ok(Math.abs(ul.holdSeconds - fl.holdSeconds) <= 0.002, `${name} lock ${fl.id} hold: ${ul.holdSeconds} against ${fl.holdSeconds}`);
        assert.ok(Math.abs(ul.waitSeconds - fl.waitSeconds) <= 1e-9, `${name} lock ${fl.id}: waits stay exact`);
      }
    }
  });

  it('a summarised recording counts every release: many_releases switches at least as often as it called', (t) => {
    const r = need(t, 'many_releases summarised');
    if (!r) return;
    const calls = r.truth['calls'] as number;
    const p = mainProcess(r.dir, 'use', r.truth.pid);
    const main = p.threads.find((x) => x.isMain)!;
    assert.ok(main.acquisitions >= calls * 0.99, `${main.acquisitions} switches for ${calls} calls`);
    assert.ok(p.records < calls / 10, `${p.records} records for ${calls} calls: folded into summaries`);
  });

  it('every program thread has its wait for a CPU, the machine its CPUs, and gilscope\'s own thread is not listed', (t) => {
    const r = need(t, 'pingpong');
    if (!r) return;
    const p = mainProcess(r.dir, 'use', r.truth.pid);
    assert.deepEqual(p.threads.map((x) => x.name).sort(), ['MainThread', 'echoer']);
    for (const th of p.threads) {
      assert.ok(th.cpuWaitSeconds !== null && th.cpuWaitSeconds >= 0, `${th.name}: cpuWaitSeconds ${th.cpuWaitSeconds}`);
      assert.ok(th.cpuWaitInGilWaitSeconds !== null && th.cpuWaitInGilWaitSeconds <= th.cpuWaitSeconds! + 1e-9, `${th.name}: the part in GIL waits is part of it`);
    }
    assert.ok(p.machine && p.machine.onlineCpus > 0, JSON.stringify(p.machine));
    assert.ok(p.host !== null && p.bootId !== null && p.bootId.length > 0);
  });
});
