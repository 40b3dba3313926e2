import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { CompareResult } from '../../src/protocol/webviewProtocol';
import { gilscope } from '../support/gilscopeCli';
import { tempDir } from '../support/recordingFixtures';
import { TEST_PYTHON } from '../support/recordWorkload';
import { repoRoot } from '../support/repoRoot';
import type { FakeHost } from './support/fakeHost';
import type { PageGlobals } from './support/pageGlobals';
import { PageSession } from './support/pageSession';

/**
 * The comparison page in headless Chromium, fed a REAL comparison made once
 * with the CLI (`gilscope compare --json`): a pure-Python kernel over a few
 * inputs in threads, forked processes and spawned processes, N in 1, 2. The
 * kernel refuses to run in a spawned worker (it needs state its parent set
 * up), so one mode fails for real. The chart, the table and the predictions
 * are checked against that result. GILSCOPE_UPDATE_DOCS=1 also saves the
 * screenshot as docs/images/compare.png.
 */

const RESULTS = join(repoRoot, 'test-results', 'webview');

interface ChartProbe {
  draws: number;
  labels: string[];
  datasets: { label: string; role: string; mode: string | null; data: (number | null)[] }[];
}
type ProbeGlobals = PageGlobals & { gilscopeCompare?: ChartProbe };

const session = new PageSession();
let result: CompareResult;
let folder: string | undefined;

const KERNEL = [
  'import multiprocessing',
  'import os',
  '',
  '# The pid that first imported this module: a spawned worker imports it again.',
  '_IMPORTED_IN = os.getpid()',
  '',
  '',
  'def work(n):',
  '    if multiprocessing.current_process().name != "MainProcess" and os.getpid() == _IMPORTED_IN:',
  '        raise RuntimeError("this kernel needs the state its parent set up, which a spawned worker does not have")',
  '    acc = 0',
  '    for i in range(n):',
  '        acc += i * i % 7',
  '    return acc',
  '',
].join('\n');

async function showComparison(): Promise<FakeHost> {
  const host = await session.open('compare');
  await host.send({ type: 'compare/show', comparisonId: result.directory, result });
  await host.page.waitForFunction(() => ((globalThis as unknown as ProbeGlobals).gilscopeCompare?.draws ?? 0) > 0, undefined, { timeout: 15_000 }).catch((e: Error) => {
    throw new Error(`the chart was never drawn: ${e.message}; page errors: ${JSON.stringify(host.errors)}`);
  });
  return host;
}

describe('comparison page in Chromium', { timeout: 180_000 }, () => {
  before(async () => {
    if (!(await session.start())) return;
    folder = tempDir('gilscope-compare-page-');
    const file = join(folder, 'kernel.py');
    const inputs = join(folder, 'inputs.json');
    writeFileSync(file, KERNEL);
    writeFileSync(inputs, JSON.stringify(Array.from({ length: 8 }, () => 300_000)));
    const ran = await gilscope(['compare', '--json', '--python', TEST_PYTHON, '-o', join(folder, 'runs'), '--function', `${file}:work`, '--inputs', inputs, '--workers', '1,2', '--modes', 'threads,processes-fork,processes-spawn']);
    assert.equal(ran.code, 0, ran.stderr);
    result = JSON.parse(ran.stdout) as CompareResult;
    mkdirSync(RESULTS, { recursive: true });
  });

  after(async () => {
    await session.close();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  it('charts one line per mode, each mode\'s predicted line and interval, and the ideal lines, from the result\'s series', async () => {
    session.need();
    const host = await showComparison();
    const probe = await host.page.evaluate(() => (globalThis as unknown as ProbeGlobals).gilscopeCompare!);
    assert.deepEqual(probe.labels, result.workerCounts.map(String));
    const of = (role: string) => probe.datasets.filter((d) => d.role === role);
    assert.deepEqual(of('measured').map((d) => d.mode), result.series.map((s) => s.mode), 'one measured line per mode');
    assert.deepEqual(result.series.map((s) => s.mode), ['threads', 'processes-fork', 'processes-spawn']);
    for (const s of result.series) {
      const measured = of('measured').find((d) => d.mode === s.mode)!;
      assert.equal(measured.label, s.label);
      assert.deepEqual(measured.data, s.points.map((p) => p.measured));
      const predicted = of('predicted').find((d) => d.mode === s.mode);
      if (s.points.some((p) => p.predicted !== null)) {
        assert.deepEqual(predicted?.data, s.points.map((p) => p.predicted), `${s.mode}: its predicted line`);
        assert.deepEqual(of('bandLow').find((d) => d.mode === s.mode)?.data, s.points.map((p) => p.predictedInterval?.[0] ?? null));
        assert.deepEqual(of('bandHigh').find((d) => d.mode === s.mode)?.data, s.points.map((p) => p.predictedInterval?.[1] ?? null));
      } else {
        assert.equal(predicted, undefined, `${s.mode}: nothing predicted, no predicted line`);
      }
    }
    assert.ok(of('predicted').length >= 2, 'threads and fork are predicted');
    assert.deepEqual(of('ideal').map((d) => d.data), [result.workerCounts]);
    assert.deepEqual(of('idealOnCores').map((d) => d.data), [result.workerCounts.map((n) => Math.min(n, result.cores))]);
    // The spawned mode failed everywhere: its line has no point.
    assert.ok(of('measured').find((d) => d.mode === 'processes-spawn')!.data.every((v) => v === null));
    const area = await host.page.evaluate(() => {
      const canvas = (globalThis as unknown as ProbeGlobals).document.querySelector('.speedup-chart canvas');
      return canvas ? canvas.width * canvas.height : 0;
    });
    assert.ok(area > 0, 'the chart has a canvas with a size');
    assert.deepEqual(host.errors, []);
    assert.deepEqual(await host.cspViolations(), []);
  });

  it('lists every run in the table, and a failing mode with its error', async () => {
    session.need();
    const host = await showComparison();
    const rows = await host.page.evaluate(() =>
      [...(globalThis as unknown as ProbeGlobals).document.querySelectorAll('.compare .data-table tbody tr')].map((tr: { cells: ArrayLike<{ textContent: string }> }) =>
        Array.from(tr.cells, (c) => c.textContent),
      ),
    );
    const header = await host.page.evaluate(() => [...(globalThis as unknown as ProbeGlobals).document.querySelectorAll('.compare .data-table th')].map((th: { textContent: string }) => th.textContent));
    const col = (name: string) => header.indexOf(name);
    assert.deepEqual(header, ['Mode', 'Workers', 'Wall', 'Speedup', 'Predicted', 'CPU', 'GIL held', 'GIL wait', 'Start-up', 'Transfer', 'Peak memory', 'Error', 'Recording']);
    assert.equal(rows.length, result.runs.length);
    const failed = result.runs.filter((r) => r.error !== null);
    assert.deepEqual(failed.map((r) => r.mode), ['processes-spawn', 'processes-spawn'], 'the spawned kernel fails, and only it');
    result.runs.forEach((r, i) => {
      const row = rows[i]!;
      assert.equal(row[col('Mode')], r.mode);
      assert.equal(row[col('Workers')], r.workers === null ? '–' : String(r.workers));
      assert.equal(row[col('Speedup')], r.speedup === null ? '–' : `${r.speedup.toFixed(2)}×`);
      assert.equal(row[col('Error')], r.error ?? '');
      assert.equal(row[col('Recording')], r.recording ? 'report' : '–');
      if (r.error === null) assert.notEqual(row[col('Wall')], '–', `${r.mode} ×${r.workers} has a wall time`);
    });
    assert.match(rows[result.runs.indexOf(failed[0]!)]![col('Error')]!, /needs the state its parent set up/);

    // A run's recording button asks the host to open it.
    const index = result.runs.findIndex((r) => r.recording !== null);
    await host.page.locator('.compare .data-table tbody tr').nth(index).locator('button.site-link').click();
    const posted = await host.posted();
    assert.deepEqual(posted.at(-1), { type: 'compare/openRecording', comparisonId: result.directory, recording: result.runs[index]!.recording });
  });

  it('sets each suggestion\'s prediction beside its measurement', async () => {
    session.need();
    const host = await showComparison();
    const items = await host.page.evaluate(() =>
      [...(globalThis as unknown as ProbeGlobals).document.querySelectorAll('.compared')].map((li: { getAttribute(n: string): string; querySelectorAll(s: string): ArrayLike<{ textContent: string }> }) => ({
        kind: li.getAttribute('data-kind'),
        values: Array.from(li.querySelectorAll('.figure-value'), (v) => v.textContent),
        notes: Array.from(li.querySelectorAll('.figure-note'), (v) => v.textContent),
      })),
    );
    assert.ok(result.suggestions.length > 0);
    assert.deepEqual(items.map((i) => i.kind), result.suggestions.map((s) => s.kind));
    const speedup = (x: number) => `${x >= 10 ? x.toFixed(0) : x.toFixed(2)}×`;
    result.suggestions.forEach((s, i) => {
      assert.deepEqual(items[i]!.values, [speedup(s.predictedSpeedup), s.measuredSpeedup === null ? '–' : speedup(s.measuredSpeedup)], s.kind);
      const [lo, hi] = s.predictedInterval;
      const expected = s.measuredSpeedup === null ? /not measured/ : s.measuredSpeedup < lo ? /below/ : s.measuredSpeedup > hi ? /above/ : /within/;
      assert.match(items[i]!.notes[1]!, expected, s.kind);
    });
    const processes = result.suggestions.find((s) => s.kind === 'useProcesses');
    assert.ok(processes && processes.measuredSpeedup !== null, 'the process pool was measured (by the fork runs)');
  });

  it('looks right in the dark theme (screenshot in test-results/webview/compare-dark.png)', async () => {
    session.need();
    const host = await showComparison();
    const file = join(RESULTS, 'compare-dark.png');
    await host.page.screenshot({ path: file, fullPage: true });
    if (process.env['GILSCOPE_UPDATE_DOCS'] === '1') {
      mkdirSync(join(repoRoot, 'docs', 'images'), { recursive: true });
      copyFileSync(file, join(repoRoot, 'docs', 'images', 'compare.png'));
    }
    const title = await host.page.locator('.compare h1').textContent();
    assert.equal(title, `Threads vs processes: work over ${result.target.calls} inputs (kernel.py)`);
  });
});
