import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { analyzeRecording } from '../../src/core/analysis/recordingSession';
import type { RecordingAnalysis } from '../../src/core/analysis/recordingSession';
import { buildReport } from '../../src/core/report/buildReport';
import { suggestForRecording } from '../../src/core/suggest/suggest';
import { renderTerminalReport } from '../../src/cli/support/terminalReport';
import { PLAIN } from '../../src/cli/support/terminalStyle';
import type { Suggestion } from '../../src/core/suggest/types';
import { checkRunCores, forMachineCores } from '../support/machineCores';
import { markerLines, recordOnce, TEST_PYTHON } from '../support/recordWorkload';
import type { Recorded } from '../support/recordWorkload';
import { repoRoot } from '../support/repoRoot';

/**
 * The suggestions on REAL recordings of the example workloads, whose right
 * answer is known (test/workloads/README.md): the first suggestion must be
 * the right remedy, aimed at the right code, with a prediction that follows
 * from the measured figures. Recorded once each, side by side.
 */

const CORES = availableParallelism();
const WORKLOADS = {
  cpu_threads: ['--seconds', '1.0'],
  sleeping_threads: ['--sleeps', '12'],
  hashing_threads: ['--seconds', '1.0', '--buffer-mib', '16'],
  // The same hashing in a ThreadPoolExecutor(2): the main thread waits in future.result().
  hashing_pool: ['--seconds', '1.0', '--buffer-mib', '16', '--pool'],
  lock_convoy: ['--iterations', '200'],
  mixed_io_cpu: ['--seconds', '1.0'],
} as const;
type Name = keyof typeof WORKLOADS;
/** The workload file of a case, when it is not the case's name. */
const FILE: Partial<Record<Name, string>> = { hashing_pool: 'hashing_threads' };

interface Case {
  readonly r: Recorded;
  /** The recording's analysis as it is (its machine samples included). */
  readonly recorded: RecordingAnalysis;
  /** The analysis without the machine's samples: the suggestions are for this machine's cores (machineCores.ts). */
  readonly a: RecordingAnalysis;
  readonly s: Suggestion[];
}

const cases = new Map<Name, Case>();

function get(name: Name): Case {
  const c = cases.get(name);
  assert.ok(c, `${name} was recorded`);
  return c;
}

function top(c: Case): Suggestion {
  const first = c.s[0];
  assert.ok(first, 'there are suggestions');
  return first;
}

/** The line of `file` ending in `# MARKER` that also contains `text`. */
function lineOf(file: string, marker: string, text = ''): number {
  const lines = readFileSync(file, 'utf8').split('\n');
  const i = lines.findIndex((l) => l.trimEnd().endsWith(`# ${marker}`) && l.includes(text));
  assert.ok(i >= 0, `${marker} in ${file}`);
  return i + 1;
}

function list(s: readonly Suggestion[]): string {
  return s.map((x) => `${x.rank}. ${x.kind} ${x.predictedSpeedup} [${x.predictedInterval.join(', ')}]`).join('; ');
}

describe(`suggestions on recorded workloads (${TEST_PYTHON}, ${CORES} cores)`, () => {
  before(async () => {
    const names = Object.keys(WORKLOADS) as Name[];
    // One after another: recording them side by side would load the machine the figures depend on.
    const recorded: Recorded[] = [];
    for (const n of names) recorded.push(await recordOnce(FILE[n] ?? n, WORKLOADS[n]));
    names.forEach((n, i) => {
      const analysis = analyzeRecording(recorded[i]!.dir);
      const a = forMachineCores(analysis);
      cases.set(n, { r: recorded[i]!, recorded: analysis, a, s: suggestForRecording(a, CORES) });
    });
  });

  it('cpu_threads: use processes first, aimed at the worker loop, predicted from the GIL-held time', () => {
    const c = get('cpu_threads');
    const s = top(c);
    assert.equal(s.kind, 'useProcesses', list(c.s));
    assert.ok(s.target && s.target.file.endsWith('cpu_threads.py') && /worker/.test(s.target.function), JSON.stringify(s.target));
    const p = c.a.processes.find((x) => x.pid === c.r.truth.pid)!;
    const held = p.threads.filter((t) => !t.isMain).reduce((sum, t) => sum + t.gil.heldSeconds, 0);
    // The workers are the threads doing at least 5% of the work: all four here.
    assert.ok(Math.abs(s.evidence['gilHeldSeconds']! - held) <= 0.02 * held, `the evidence ${s.evidence['gilHeldSeconds']} is the recording's GIL-held time ${held}`);
    // Four CPU-bound threads: the GIL serialises ~all of the work, so processes reach about min(threads, cores).
    const ideal = Math.min(4, CORES);
    assert.ok(s.predictedSpeedup > 0.75 * ideal && s.predictedSpeedup <= ideal * 1.02, `predicted ${s.predictedSpeedup} for ${ideal} cores`);
    assert.ok(s.predictedInterval[0] <= s.predictedSpeedup && s.predictedSpeedup <= s.predictedInterval[1]);
    assert.equal(s.measuredSpeedup, null);
    const gil = c.s.find((x) => x.kind === 'releaseGil');
    assert.ok(gil?.target && /worker/.test(gil.target.function), 'release the GIL names the worker function');
  });

  it('sleeping_threads: threads are fine, at the sleep', () => {
    const c = get('sleeping_threads');
    const s = top(c);
    assert.equal(s.kind, 'keepThreads', list(c.s));
    assert.match(s.title, /Threads are fine/);
    assert.equal(s.target?.line, lineOf(c.r.script, 'SLEEP-CALL'));
    assert.ok(c.s.filter((x) => x.kind !== 'keepThreads').every((x) => x.predictedSpeedup < 1.1), `nothing else gains: ${list(c.s)}`);
  });

  it('hashing_threads: already parallel, the GIL released in the hashing call', () => {
    const c = get('hashing_threads');
    const s = top(c);
    assert.equal(s.kind, 'keepThreads', list(c.s));
    assert.match(s.title, /run without the GIL 9\d(\.\d)?%|run without the GIL 100%/);
    assert.equal(s.target?.line, lineOf(c.r.script, 'NOGIL-CALL', 'sha256'));
    assert.ok(s.evidence['releasedShare']! > 0.9);
  });

  it('hashing in a ThreadPoolExecutor: threads are fine ranks first, and every count in the report says the 2 pool threads', () => {
    const c = get('hashing_pool');
    const s = top(c);
    assert.equal(s.kind, 'keepThreads', list(c.s));
    assert.match(s.title, /^Threads are fine: the 2 worker threads run without the GIL/);
    assert.equal(s.target?.line, lineOf(c.r.script, 'NOGIL-CALL', 'sha256'));
    const others = c.s.filter((x) => x.kind !== 'keepThreads' && x.kind !== 'switchInterval');
    assert.ok(others.every((x) => x.predictedSpeedup < 1.15 * s.predictedSpeedup || x.rank > 1), list(c.s));
    const report = buildReport(c.a, 'gilscope', CORES);
    assert.deepEqual(report.suggestions, c.s);
    assert.equal(report.workers?.in, 'threads');
    assert.deepEqual(report.workers?.threads.map((t) => t.name).sort(), ['hash_0', 'hash_1'], 'the pool\'s threads, not the main thread waiting for them');
    for (const x of c.s.filter((k) => k.kind !== 'switchInterval')) assert.equal(x.workers, 2, `${x.kind}'s workers`);
    const text = renderTerminalReport(report, PLAIN);
    assert.match(text, /^Workers: 2 worker threads of process \d+ did the work \(hash_\d, hash_\d\)$/m);
    assert.match(text, /^ {2}1\. Threads are fine: the 2 worker threads .*\n {5}predicted 1\.00× for 2 workers, at workloads\/hashing_threads\.py:\d+ main\.<locals>\.work\n {5}evidence: workers 2, released 9\d/m);
  });

  it('lock_convoy: narrow the lock first; the other remedies are capped at W / hold', () => {
    const c = get('lock_convoy');
    const s = top(c);
    assert.equal(s.kind, 'narrowLock', list(c.s));
    assert.match(s.title, /shared_lock/);
    const created = markerLines(c.r.truth, 'LOCK-CREATE')[0];
    assert.match(s.title, new RegExp(`lock_convoy\\.py:${created}\\b`));
    const bound = s.evidence['lockBound']!;
    // The evidence's figures are rounded: W / H from them matches the bound to a relative 1e-5.
    assert.ok(Math.abs(bound - s.evidence['wallSeconds']! / s.evidence['lockHoldSeconds']!) <= 1e-5 * bound, JSON.stringify(s.evidence));
    for (const x of c.s.filter((k) => ['useProcesses', 'releaseGil', 'freeThreaded', 'subInterpreters'].includes(k.kind))) {
      assert.ok(x.predictedSpeedup <= bound + 1e-3, `${x.kind} capped at ${bound}: ${x.predictedSpeedup}`);
    }
    assert.ok(s.predictedSpeedup > bound, 'narrowing lifts the cap');
  });

  it('mixed_io_cpu: the convoy asks for a shorter switch interval, at the I/O line', () => {
    const c = get('mixed_io_cpu');
    const s = top(c);
    assert.equal(s.kind, 'switchInterval', list(c.s));
    assert.ok(s.target?.file.endsWith('mixed_io_cpu.py'));
    assert.ok(s.evidence['convoyCount']! >= 30 && s.predictedSpeedup > 2, JSON.stringify(s.evidence));
  });

  it('as the user gets them, they are predicted for the cores each run had, and say so', (t) => {
    for (const [name, c] of cases) {
      const cores = checkRunCores(c.recorded, suggestForRecording(c.recorded), name);
      t.diagnostic(`${name}: ${cores === null ? 'the machine was not sampled' : `predicted for the ${cores} core${cores === 1 ? '' : 's'} the run had`}`);
    }
  });

  it('the JSON report carries them, with exactly the fields docs/report-schema.md documents', () => {
    const c = get('lock_convoy');
    const report = buildReport(c.a, 'gilscope', CORES);
    assert.deepEqual(report.suggestions, c.s);
    const doc = readFileSync(join(repoRoot, 'docs/report-schema.md'), 'utf8');
    const section = doc.slice(doc.indexOf('## Suggestion'));
    const fields = [...section.slice(0, section.indexOf('\n## ', 4) > 0 ? section.indexOf('\n## ', 4) : undefined).matchAll(/^\| `([a-zA-Z]+)`/gm)].map((m) => m[1]!);
    for (const s of c.s) {
      assert.deepEqual(Object.keys(s).sort(), [...fields].sort());
      assert.deepEqual(Object.keys(s.target ?? { file: 0, line: 0, function: 0 }).sort(), ['file', 'function', 'line']);
      for (const v of Object.values(s.evidence)) assert.equal(typeof v, 'number');
    }
  });
});
