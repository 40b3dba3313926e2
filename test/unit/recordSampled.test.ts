import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { analyzeRecording } from '../../src/core/analysis/recordingSession';
import { parseHeader } from '../../src/core/format/header';
import { gilscope } from '../support/gilscopeCli';
import { findPythons } from '../support/pythons';
import { runtimePythonPath } from '../support/recordWorkload';
import { runOk } from '../support/runProcess';

/**
 * `gilscope record` falling back to sampling (runtime/python/gilscope/sampler/)
 * when exact recording is unavailable, forced here with GILSCOPE_FORCE_SAMPLED=1.
 * The sampler's accuracy is tested by the runtime's unittest suite on every
 * interpreter; this checks the CLI's side: one line saying so, the same
 * recording format marked sampled, the workload's output and status untouched.
 */
function record(args: string[], env: Record<string, string> = { GILSCOPE_FORCE_SAMPLED: '1' }) {
  return gilscope(['record', ...args], { env, timeoutMs: 60_000 });
}

describe('gilscope record, sampled', async () => {
  const pythons = await findPythons();
  const python = pythons[pythons.length - 1];
  const dir = () => join(mkdtempSync(join(tmpdir(), 'gilscope-sampled-')), 'rec.gilscope');

  it('samples when exact recording is unavailable, says so once, and passes the workload through', async (t) => {
    if (!python) return t.skip('no CPython 3.8+ here');
    const out = dir();
    // a second: long enough for the sampler to find it on a busy machine too (at 0.2 s, under a
    // load of 15 on 2 cores, it ended before the sampler ran and no file was written)
    const r = await record(['-o', out, '--', python.executable, '-c', "import sys, time; time.sleep(1.0); print('hi'); sys.exit(5)"]);
    assert.equal(r.code, 5, r.stderr);
    assert.equal(r.stdout, 'hi\n');
    // the first line, and the only one of its kind; the CLI's own summary follows the workload's end
    const lines = r.stderr.trimEnd().split('\n');
    assert.match(lines[0]!, /^gilscope: exact recording unavailable: forced by GILSCOPE_FORCE_SAMPLED=1.*; sampling at 200 Hz instead$/);
    assert.equal(lines.filter((l) => /exact recording unavailable/.test(l)).length, 1, r.stderr);
    const files = readdirSync(out).filter((f) => f.endsWith('.gsr'));
    assert.equal(files.length, 1);
    const header = parseHeader(new Uint8Array(readFileSync(join(out, files[0]!))), files[0]!);
    assert.equal(header.gilMode, 3);
    assert.equal(header.sampleHz, 200);
    const session = JSON.parse(readFileSync(join(out, 'session.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(session['pid'], header.pid, 'session.json names the workload, not the sampler');
    assert.equal(session['exitCode'], 5);
    assert.equal((session['command'] as string[])[0], python.executable);
    assert.equal((session['sampled'] as Record<string, unknown>)['hz'], 200);
  });

  it('a launched Python that ended before the sampler found it has its end, and the report says nothing of its GIL is known', async (t) => {
    if (!python) return t.skip('no CPython 3.8+ here');
    const out = mkdtempSync(join(tmpdir(), 'gilscope-unseen-'));
    // the sampler starts after the process has ended and been reaped: deterministic, what a loaded machine does by chance
    const script = [
      'import subprocess, sys',
      'from gilscope.sampler.loop import Sampler',
      "command = [sys.executable, '-c', 'raise SystemExit(5)']",
      'child = subprocess.Popen(command)',
      'child.wait()',
      'sampler = Sampler(sys.argv[1], child.pid, 200, command)',
      'sampler.run(lambda: child.returncode)',
      'sampler.finish(child.returncode, None)',
      'print(sampler.notes()[0])',
    ].join('\n');
    const ran = await runOk(python.executable, ['-c', script, out], { env: { PYTHONPATH: runtimePythonPath() } });
    assert.match(ran.stdout, /ended \d+ ms after it started, before the sampler found its interpreter/);
    const analysis = analyzeRecording(out);
    assert.equal(analysis.processes.length, 1);
    const p = analysis.processes[0]!;
    assert.equal(p.exitCode, 5);
    assert.deepEqual(p.threads, []);
    assert.ok(analysis.warnings.some((w) => /ended before the sampler saw a thread of it: nothing of its GIL is known/.test(w)), analysis.warnings.join('\n'));
  });

  it('--sample-hz sets the rate; --no-fallback refuses instead', async (t) => {
    if (!python) return t.skip('no CPython 3.8+ here');
    const out = dir();
    const r = await record(['-o', out, '--sample-hz', '50', '--', python.executable, '-c', 'pass']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /sampling at 50 Hz instead/);
    // seen or not (a process this short may end before the sampler finds its interpreter), it has its file
    const file = readdirSync(out).find((f) => f.endsWith('.gsr'));
    assert.ok(file, r.stderr);
    assert.equal(parseHeader(new Uint8Array(readFileSync(join(out, file))), file).sampleHz, 50);

    const refused = dir();
    const n = await record(['-o', refused, '--no-fallback', '--', python.executable, '-c', "print('never')"]);
    assert.equal(n.code, 2);
    assert.equal(n.stdout, '');
    assert.match(n.stderr, /cannot record .* exactly: forced by GILSCOPE_FORCE_SAMPLED/);
    assert.ok(!existsSync(refused), 'nothing was created');

    assert.equal((await record(['--sample-hz', '0', '--', python.executable, '-c', 'pass'])).code, 2);
  });
});
