import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import type { Report } from '../../src/core/report/schema';
import { CPU_WAIT_WARNING, gilscope } from '../support/gilscopeCli';
import { tempDir } from '../support/recordingFixtures';
import { repoRoot } from '../support/repoRoot';
import { runProcess } from '../support/runProcess';
import type { Ran } from '../support/runProcess';
import { TEST_PYTHON } from '../support/recordWorkload';

/**
 * Issue 18: the terminal gives the answer. `npm run demo` (scripts/demo.mjs,
 * run here as it is, on the build that is there) records
 * test/workloads/lock_convoy.py with `gilscope record`, whose summary leads
 * with the ranked suggestions and ends on the first one with its predicted
 * speedup; `gilscope report DIR` of that recording leads with them too,
 * before the tables.
 */

const times = String.raw`\d+(\.\d+)?×`;

describe(`the suggestions in the terminal (npm run demo, ${TEST_PYTHON})`, () => {
  let demo: Ran;
  let out: string;
  let report: Report;
  before(async () => {
    out = tempDir('gilscope-demo-');
    demo = await runProcess(process.execPath, [join(repoRoot, 'scripts/demo.mjs'), '--no-build', '--out', out], {
      env: { ...process.env, PYTHON: TEST_PYTHON, NO_COLOR: '1', PYTHONDONTWRITEBYTECODE: '1' },
      timeoutMs: 180_000,
    });
    assert.equal(demo.code, 0, `${demo.stdout}\n${demo.stderr}`);
    const json = await gilscope(['report', join(out, 'recording'), '--json']);
    assert.equal(json.code, 0, json.stderr);
    report = JSON.parse(json.stdout) as Report;
  });

  it('the demo ends its output with the top suggestion and its predicted speedup', () => {
    const top = report.suggestions[0];
    assert.ok(top, 'lock_convoy gets suggestions');
    // The suggestions count the cores the run had (online less those other programs used):
    // with two, four threads fighting over one lock should narrow it; on a machine so busy
    // that one core was left, no remedy can run anything side by side; in between (a CI run
    // beside another test file had 1.2), narrowing may still lead. Its prediction is then not
    // bounded by those cores: the loaded run's wall holds hand-overs in which the next holder
    // waited for a CPU, time the remedy's own cores would work through (a CI run: 1.214× with
    // 1.2 cores). It stays within the CPUs online, which no remedy can exceed.
    const cores = Number(top.evidence['cores'] ?? report.suggestions.find((s) => s.evidence['cores'] !== undefined)?.evidence['cores']);
    const online = Number(report.suggestions.find((s) => s.evidence['onlineCpus'] !== undefined)?.evidence['onlineCpus'] ?? cores);
    if (cores >= 2) assert.equal(top.kind, 'narrowLock', 'four threads fighting over one lock: narrow it');
    else if (cores < 1.1) assert.equal(top.kind, 'keepThreads', `${cores} core free for the run: nothing runs side by side`);
    else {
      assert.ok(top.kind === 'narrowLock' || top.kind === 'keepThreads', `${cores} cores free for the run: ${top.kind}`);
      assert.ok(top.predictedSpeedup <= online, `${top.kind} predicted ${top.predictedSpeedup}× with ${online} CPUs online`);
    }
    // record's summary (stderr) ends on the first suggestion, after the line saying where the recording is.
    const tail = demo.stderr.slice(demo.stderr.lastIndexOf('gilscope: recording written to'));
    const lines = tail.trimEnd().split('\n').filter((l) => !CPU_WAIT_WARNING.test(l));
    assert.equal(lines[2], 'Try first:', tail);
    assert.equal(lines[3], `  1. ${top.title}`);
    // the interval is left out when it is the prediction itself (keepThreads: 1×, exactly)
    const [lo, hi] = top.predictedInterval;
    const interval = lo === hi && lo === top.predictedSpeedup ? '' : ` \\(${times}–${times}\\)`;
    assert.match(lines[4]!, new RegExp(`^ {5}predicted ${times}${interval} for ${top.workers} workers, at workloads/lock_convoy\\.py:${top.target!.line} ${top.target!.function}$`));
    assert.ok(lines[4]!.includes(`predicted ${top.predictedSpeedup.toFixed(2)}×`), `the speedup of the JSON's top suggestion: ${lines[4]}`);
    // its first figures, the run's wall time among them (narrowLock leads with it, keepThreads with the workers)
    assert.match(lines[5]!, /^ {5}evidence: (.*, )?wall \d/);
    assert.equal(lines.length, 6, 'nothing after it');
    assert.match(demo.stdout, /demo: wrote .*report\.html; the suggestion to try first, with its predicted speedup, is above/);
  });

  it('gilscope report leads with the workers and the ranked suggestions, then the tables', async () => {
    const r = await gilscope(['report', join(out, 'recording')]);
    assert.equal(r.code, 0, r.stderr);
    const text = r.stdout;
    const at = (s: string) => {
      const i = text.indexOf(s);
      assert.ok(i >= 0, `the report has ${JSON.stringify(s)}:\n${text}`);
      return i;
    };
    const order = ['Workers: 4 worker threads of process', 'Suggestions (best first', `  1. ${report.suggestions[0]!.title}`, 'Process ', 'Threads (most contended first', 'Top lines by GIL wait', 'Locks (by contention wait'];
    const positions = order.map(at);
    assert.deepEqual([...positions].sort((a, b) => a - b), positions, `the sections in this order: ${order.join(' | ')}`);
    // Every suggestion, in rank order, with its prediction, line and evidence.
    const section = text.slice(at('Suggestions (best first'), at('Process '));
    const entries = [...section.matchAll(/^ {2}(\d+)\. (.*)\n {5}predicted (.*) for (\d+) workers?, at (.*)\n {5}evidence: (.*)$/gm)];
    assert.deepEqual(entries.map((m) => Number(m[1])), report.suggestions.map((s) => s.rank));
    entries.forEach((m, i) => {
      const s = report.suggestions[i]!;
      assert.equal(m[2], s.title);
      assert.ok(m[3]!.startsWith(`${s.predictedSpeedup >= 10 ? s.predictedSpeedup.toFixed(0) : s.predictedSpeedup.toFixed(2)}×`), `${s.kind}: ${m[3]}`);
      assert.equal(Number(m[4]), s.workers);
      assert.ok(s.target ? m[5]!.endsWith(`:${s.target.line} ${s.target.function}`) : true, m[5]);
    });
  });
});
