import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { Report } from '../../src/core/report/schema';
import { isLibrary } from '../../src/core/suggest/libraryCode';
import { gilscope, oneLine } from '../support/gilscopeCli';
import { tempDir } from '../support/recordingFixtures';
import { recordOnce, TEST_PYTHON } from '../support/recordWorkload';
import type { Recorded } from '../support/recordWorkload';
import { repoRoot } from '../support/repoRoot';

/**
 * The CLI on a real recording (a short lock convoy, recorded once): the JSON
 * report against docs/report-schema.md, the HTML report, both exports, and
 * `check` on both sides of its thresholds.
 */

/** The fields each table of docs/report-schema.md documents: the backticked names of its first column, nested `{…}` left out. */
function documentedFields(): Map<string, Set<string>> {
  const doc = readFileSync(join(repoRoot, 'docs/report-schema.md'), 'utf8');
  const sections = new Map<string, Set<string>>();
  let current: Set<string> | undefined;
  for (const line of doc.split('\n')) {
    const heading = /^## (.+)$/.exec(line);
    if (heading) {
      current = new Set();
      sections.set(heading[1]!.split(' ')[0]!, current);
      continue;
    }
    const cell = /^\| (`[^|]*?) \|/.exec(line);
    if (!current || !cell) continue;
    const top = cell[1]!.replace(/\{[^}]*\}/g, '');
    for (const m of top.matchAll(/`([^`]+)`/g)) current.add(m[1]!.split('.')[0]!.replace(/\[\]$/, ''));
  }
  return sections;
}

function sameKeys(object: object, expected: Iterable<string>, what: string): void {
  assert.deepEqual(Object.keys(object).sort(), [...new Set(expected)].sort(), `${what}: fields vs docs/report-schema.md`);
}

describe(`the CLI on a lock_convoy recorded with ${TEST_PYTHON}`, () => {
  let r: Recorded;
  let report: Report;
  before(async () => {
    r = await recordOnce('lock_convoy', ['--threads', '3', '--iterations', '100']);
    const out = await gilscope(['report', r.dir, '--json']);
    assert.equal(out.code, 0, out.stderr);
    report = JSON.parse(out.stdout) as Report;
  });

  it('report --json has exactly the fields docs/report-schema.md documents', async () => {
    const doc = documentedFields();
    sameKeys(report, doc.get('Top')!, 'top level');
    assert.equal(report.schemaVersion, 1);
    const p = report.processes.find((x) => x.pid === r.truth.pid)!;
    assert.ok(p, 'the workload process');
    for (const proc of report.processes) sameKeys(proc, doc.get('Process')!, 'process');
    // It returned from its main: the runtime cannot see that status, the launcher did.
    assert.deepEqual({ endKind: p.endKind, exitCode: p.exitCode }, { endKind: 'exit', exitCode: 0 });
    for (const t of p.threads) sameKeys(t, doc.get('Thread')!, `thread ${t.name}`);
    const lineFields = ['file', 'line', 'function', ...doc.get('Line')!];
    for (const l of p.lines) sameKeys(l, lineFields, `line ${l.line}`);
    for (const f of p.functions) sameKeys(f, [...lineFields.filter((k) => k !== 'line'), 'firstLine'], `function ${f.function}`);
    assert.ok(p.locks.length > 0);
    for (const l of p.locks) {
      sameKeys(l, doc.get('Lock')!, `lock ${l.id}`);
      sameKeys(l.wait, ['p50', 'p90', 'p99', 'max'], 'wait percentiles');
      for (const w of l.waiters) sameKeys(w, ['file', 'line', 'function', 'waitSeconds'], 'waiter');
      for (const h of l.holders) sameKeys(h, ['file', 'line', 'function', 'holdSeconds', 'blockingSeconds'], 'holder');
      for (const k of l.waitKinds) {
        sameKeys(k, ['kind', 'count', 'seconds', 'sites'], 'wait kind');
        for (const s of k.sites) sameKeys(s, ['file', 'line', 'function', 'count', 'seconds'], 'wait kind site');
      }
    }
    const shared = p.locks[0]!;
    assert.equal(shared.name, 'shared_lock');
    assert.equal(shared.acquisitions, r.truth['acquisitions']);
  });

  it('report (text): the contended lock is listed, uncontended locks of Python\'s own modules are only counted', async () => {
    const out = await gilscope(['report', r.dir]);
    assert.equal(out.code, 0, out.stderr);
    const section = out.stdout.slice(out.stdout.indexOf('Locks'), out.stdout.indexOf('Waits for events'));
    assert.match(section, /^ {2}shared_lock .*lock_convoy\.py:\d+ +\d+\/\d+ /m);
    const internal = report.processes.flatMap((p) => p.locks)
      // made by Python's own modules, or by gilscope's runtime in the process (libraryCode.ts)
      .filter((l) => l.contended === 0 && l.waitSeconds === 0 && l.acquisitions > 0 && (!l.createdAt || isLibrary(l.createdAt.file)));
    assert.ok(internal.length > 0, 'the recording has uncontended interpreter locks (importlib\'s)');
    assert.doesNotMatch(section, /<frozen importlib/);
    assert.match(section, new RegExp(`… and ${internal.length} uncontended locks? of Python's own modules not shown`));
  });

  it('report --html writes a page embedding the same report', async () => {
    const out = join(tempDir(), 'report.html');
    const res = await gilscope(['report', r.dir, '--html', out]);
    assert.equal(res.code, 0, res.stderr);
    const html = readFileSync(out, 'utf8');
    assert.match(html, /Content-Security-Policy/);
    const data = /<script type="application\/json" id="gilscope-report">(.*?)<\/script>/s.exec(html);
    assert.ok(data, 'the embedded report');
    const embedded = JSON.parse(data[1]!) as Report;
    assert.deepEqual(embedded.processes.map((p) => p.threads.map((t) => t.name)), report.processes.map((p) => p.threads.map((t) => t.name)));
    assert.equal(embedded.processes[0]!.locks[0]!.waitSeconds, report.processes[0]!.locks[0]!.waitSeconds);
  });

  it('export --format chrome: a trace-event JSON with one named track per thread and nested spans', async () => {
    const out = join(tempDir(), 'trace.json');
    const res = await gilscope(['export', r.dir, '--format', 'chrome', '-o', out]);
    assert.equal(res.code, 0, res.stderr);
    const trace = JSON.parse(readFileSync(out, 'utf8')) as { traceEvents: { ph: string; name: string; pid: number; tid: number; ts?: number; dur?: number; args?: Record<string, unknown> }[] };
    const p = report.processes.find((x) => x.pid === r.truth.pid)!;
    const names = trace.traceEvents.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.pid === p.pid);
    assert.deepEqual(names.map((e) => [e.tid, e.args!['name']]).sort(), p.threads.map((t) => [t.tid, t.name]).sort());
    const spans = trace.traceEvents.filter((e) => e.ph === 'X');
    for (const e of spans) {
      assert.ok(typeof e.ts === 'number' && typeof e.dur === 'number' && e.dur >= 0, 'ts and dur');
      assert.ok(e.args && 'file' in e.args && 'line' in e.args && 'function' in e.args, 'args name the line');
    }
    assert.ok(spans.some((e) => e.name === 'lock wait: shared_lock'), 'lock waits named by kind and lock name');
    for (const t of p.threads) {
      const mine = spans.filter((e) => e.pid === p.pid && e.tid === t.tid);
      const total = (name: string): number => mine.filter((e) => e.name === name).reduce((s, e) => s + e.dur!, 0) / 1e6;
      assert.ok(Math.abs(total('GIL held') - t.gil.heldSeconds) < 1e-5 + 1e-6 * mine.length, `${t.name} GIL held`);
      assert.ok(Math.abs(total('GIL wait') - t.gil.waitSeconds) < 1e-5 + 1e-6 * mine.length, `${t.name} GIL wait`);
      // Slices on one track must nest.
      const sorted = mine.map((e) => [e.ts!, e.ts! + e.dur!] as const).sort((a, b) => a[0] - b[0] || b[1] - a[1]);
      const open: number[] = [];
      for (const [a, b] of sorted) {
        while (open.length > 0 && open[open.length - 1]! <= a + 1e-3) open.pop();
        if (open.length > 0) assert.ok(b <= open[open.length - 1]! + 1e-3, `${t.name}: slices overlap without nesting at ${a}`);
        open.push(b);
      }
    }
  });

  it('export --format speedscope: an evented profile per thread, balanced and in time order', async () => {
    const out = join(tempDir(), 'profile.speedscope.json');
    const res = await gilscope(['export', r.dir, '--format', 'speedscope', '-o', out]);
    assert.equal(res.code, 0, res.stderr);
    const doc = JSON.parse(readFileSync(out, 'utf8')) as {
      $schema: string;
      shared: { frames: { name: string; file?: string; line?: number }[] };
      profiles: { type: string; name: string; unit: string; startValue: number; endValue: number; events: { type: 'O' | 'C'; frame: number; at: number }[] }[];
    };
    assert.equal(doc.$schema, 'https://www.speedscope.app/file-format-schema.json');
    const threads = report.processes.flatMap((p) => p.threads);
    assert.equal(doc.profiles.length, threads.length);
    for (const prof of doc.profiles) {
      assert.equal(prof.type, 'evented');
      const stack: number[] = [];
      let at = prof.startValue;
      for (const e of prof.events) {
        assert.ok(e.at >= at - 1e-12 && e.at <= prof.endValue + 1e-9, `${prof.name}: events in time order within the profile`);
        at = e.at;
        assert.ok(doc.shared.frames[e.frame], 'frame exists');
        if (e.type === 'O') stack.push(e.frame);
        else assert.equal(stack.pop(), e.frame, `${prof.name}: closes the frame it opened last`);
      }
      assert.equal(stack.length, 0, `${prof.name}: every frame closed`);
    }
    assert.ok(doc.shared.frames.some((f) => f.name.startsWith('lock wait: shared_lock') && f.line === r.truth.markers!['LOCK-WAIT']![0]));
  });

  it('export: bad input is one line on stderr and exit 2', async () => {
    const missing = await gilscope(['export', '/no/such/recording', '--format', 'chrome', '-o', join(tempDir(), 'x.json')]);
    assert.equal(missing.code, 2);
    assert.match(oneLine(missing.stderr), /^gilscope: \/no\/such\/recording: no such file or directory/);
    const noFormat = await gilscope(['export', r.dir, '-o', join(tempDir(), 'x.json')]);
    assert.equal(noFormat.code, 2);
    assert.match(oneLine(noFormat.stderr), /give --format chrome or speedscope/);
    const badFormat = await gilscope(['export', r.dir, '--format', 'pprof', '-o', join(tempDir(), 'x.json')]);
    assert.equal(badFormat.code, 2);
    assert.match(oneLine(badFormat.stderr), /unknown format 'pprof'/);
    const noOut = await gilscope(['export', r.dir, '--format', 'chrome']);
    assert.equal(noOut.code, 2);
    oneLine(noOut.stderr);
    const unwritable = await gilscope(['export', r.dir, '--format', 'chrome', '-o', '/no/such/dir/x.json']);
    assert.equal(unwritable.code, 2);
    assert.match(oneLine(unwritable.stderr), /cannot write \/no\/such\/dir\/x\.json \(ENOENT\)/);
  });

  it('check passes within the thresholds and fails past them', async () => {
    const p = report.processes.find((x) => x.pid === r.truth.pid)!;
    const worst = Math.max(...p.threads.map((t) => t.lockWaitSeconds / (t.endSeconds - t.startSeconds)));
    assert.ok(worst > 0.2, `a convoy thread waits on the lock for much of its run (${worst})`);
    const pass = await gilscope(['check', r.dir, '--max-lock-wait', String(Math.min(1, worst + 0.05)), '--max-gil-wait', '100%']);
    assert.equal(pass.code, 0, pass.stderr);
    assert.match(pass.stdout, /lock wait .* within/);
    const fail = await gilscope(['check', r.dir, '--max-lock-wait', String(worst / 2)]);
    assert.equal(fail.code, 1);
    assert.match(oneLine(fail.stderr), /^gilscope check: lock wait share [\d.]+% of thread convoy-\d \(pid \d+\) exceeds --max-lock-wait [\d.]+% by [\d.]+ points$/);
  });
});
