import { spawnSync } from 'node:child_process';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Report } from '../../src/core/report/schema';
import { gilscope, oneLine } from '../support/gilscopeCli';
import { ms, tempDir, writeRecording } from '../support/recordingFixtures';
import { RecordingWriter } from '../support/recordingWriter';
import { sampledMachine } from '../support/machineScenario';
import { contendedLock, threeThreads } from '../support/scenarios';

test('report prints threads, lines and locks for a person', async () => {
  const dir = writeRecording([threeThreads()]);
  const r = await gilscope(['report', dir]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /Process 1234 \[main process\] python3 work\.py/);
  // held, GIL wait, lock wait, the rest of released
  assert.match(r.stdout, /T-1 +101 +22\.2% +38\.9% +0\.0% +38\.9%/);
  assert.match(r.stdout, /Top lines by GIL wait\n.*\n  work\.py:12 worker +6\.00 ms/);
  assert.doesNotMatch(r.stdout, /\x1b\[/, 'no colour when not a TTY');
});

test('report shows, beside GIL wait, each thread\'s wait for a CPU when the recording sampled it, and the busy machine', async () => {
  const r = await gilscope(['report', writeRecording([sampledMachine()])]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /thread +tid +held +wait +CPU wait +lock wait +released/);
  assert.match(r.stdout, /thread 2 +501 +66\.7% +33\.3% +20\.0% +0\.0% +0\.0%/);
  assert.match(r.stdout, /warning: the machine was busy: other programs used 1\.4 of 2 CPUs/);
  assert.doesNotMatch(r.stdout, /gilscope-sampler/);
  const old = await gilscope(['report', writeRecording([threeThreads()])]);
  assert.doesNotMatch(old.stdout, /CPU wait/, 'a version 1 recording has no such column');
});

test('report predicts for the cores the run had, or for --cores N', async () => {
  const dir = writeRecording([sampledMachine()]);
  const had = await gilscope(['report', dir, '--json']);
  assert.equal(had.code, 0, had.stderr);
  const byRun = (JSON.parse(had.stdout) as Report).suggestions;
  assert.ok(byRun.length > 0);
  for (const s of byRun) {
    assert.equal(s.evidence['cores'], 1, `${s.kind}: 2 online, 1.4 used by others: 1 left`);
    assert.match(s.detail, /Predicted for the 1 core this run had: 2 online, of which other programs used 1\.4 on average\./);
  }
  const told = await gilscope(['report', dir, '--json', '--cores', '4']);
  assert.equal(told.code, 0, told.stderr);
  for (const s of (JSON.parse(told.stdout) as Report).suggestions) {
    assert.equal(s.evidence['onlineCpus'], undefined, `${s.kind}: for the 4 cores asked, not the run's`);
    assert.doesNotMatch(s.detail, /this run had/);
  }
  const bad = await gilscope(['report', dir, '--cores', '0']);
  assert.equal(bad.code, 2);
  assert.match(oneLine(bad.stderr), /--cores takes a whole number of cores from 1, not '0'/);
});

test('report says when an attached recording began', async () => {
  const w = new RecordingWriter({ formatVersion: 2, attachNs: 0 });
  w.thread(1).start(0, 1, true).gilAcquire(0, 0, true).gilRelease(ms(10)).end(ms(20));
  w.end(1, 0, ms(20));
  const r = await gilscope(['report', writeRecording([w])]);
  assert.match(r.stdout, /Process 1234 \[main process\] python3 work\.py +\(20\.0 ms, exit 0, attached at 0\)/);
  assert.doesNotMatch(r.stdout, /warning/);
});

test('report --json prints the schema-1 report', async () => {
  const dir = writeRecording([threeThreads(), contendedLock({ pid: 99, startRealtimeNs: 5n })], { command: ['python', 'work.py'] });
  const r = await gilscope(['report', dir, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as Report;
  assert.equal(report.schemaVersion, 1);
  assert.deepEqual(report.python, { version: '3.11.7', implementation: 'CPython', gilEnabled: true, sampled: false });
  assert.deepEqual(report.command, ['python', 'work.py']);
  // Filled by src/core/suggest (docs/report-schema.md, "Suggestion"): ranked from 1.
  assert.deepEqual(report.suggestions.map((s) => s.rank), report.suggestions.map((_, i) => i + 1));
  const p = report.processes.find((x) => x.pid === 1234)!;
  for (const key of ['pid', 'parentPid', 'argv', 'exitCode', 'endKind', 'signal', 'threads', 'locks', 'lines']) assert.ok(key in p, key);
  const t = p.threads.find((x) => x.name === 'T-1')!;
  assert.ok(Math.abs(t.gil.waitSeconds - 0.007) < 1e-9);
  const lock = report.processes.flatMap((x) => x.locks).find((l) => l.name === 'the_lock')!;
  assert.equal(lock.contended, 2);
  assert.ok(lock.createdAt && lock.createdAt.line === 100);
});

test('report --html writes a self-contained page with the data embedded', async () => {
  const dir = writeRecording([threeThreads()]);
  const out = join(tempDir(), 'r.html');
  const r = await gilscope(['report', dir, '--html', out]);
  assert.equal(r.code, 0, r.stderr);
  const html = readFileSync(out, 'utf8');
  assert.match(html, /Content-Security-Policy/);
  assert.match(html, /<script type="application\/json" id="gilscope-report">\{"schemaVersion":1/);
});

test('check passes within the limits and fails naming the threshold and the excess', async () => {
  const dir = writeRecording([threeThreads()]);
  assert.equal((await gilscope(['check', dir, '--max-gil-wait', '0.5'])).code, 0);
  const r = await gilscope(['check', dir, '--max-gil-wait', '25%', '--max-lock-wait', '0.1']);
  assert.equal(r.code, 1);
  assert.equal(oneLine(r.stderr), 'gilscope check: GIL wait share 38.9% of thread T-1 (pid 1234) exceeds --max-gil-wait 25.0% by 13.9 points');
  assert.equal((await gilscope(['check', dir])).code, 2);
  assert.equal((await gilscope(['check', dir, '--max-gil-wait', 'lots'])).code, 2);
});

test('bad input: one line on stderr, exit 2, no stack trace', async () => {
  const missing = await gilscope(['report', '/no/such/recording']);
  assert.equal(missing.code, 2);
  assert.match(oneLine(missing.stderr), /^gilscope: \/no\/such\/recording: no such file or directory/);

  const dir = tempDir();
  writeFileSync(join(dir, 'p1-2.gsr'), 'hello, this is not a recording at all'.repeat(200));
  const other = await gilscope(['report', dir]);
  assert.equal(other.code, 2);
  assert.match(oneLine(other.stderr), /p1-2\.gsr: not a gilscope recording/);

  const newer = writeRecording([new RecordingWriter({ formatVersion: 4 })]);
  const n = await gilscope(['report', newer, '--json']);
  assert.equal(n.code, 2);
  assert.match(oneLine(n.stderr), /format version 4 is newer .*; update gilscope/);

  const w = threeThreads();
  const bytes = w.bytes();
  const cut = tempDir();
  writeFileSync(join(cut, w.fileName), bytes.subarray(0, bytes.length - 100));
  const t = await gilscope(['report', cut]);
  assert.equal(t.code, 2);
  assert.match(oneLine(t.stderr), /truncated.* at byte \d+; the recording may still be written/);

  assert.equal((await gilscope(['report'])).code, 2);
  assert.equal((await gilscope(['report', '--bogus', cut])).code, 2);
});

test('a process that is still running: reported with a warning', async () => {
  const w = new RecordingWriter({ pid: process.pid });
  w.thread(1).start(0, 1, true).gilAcquire(ms(1), 0, true);
  const r = await gilscope(['report', writeRecording([w])]);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /warning: process \d+ is still running/);
});

test('report shows what errors-<pid>.txt say, as warnings in the terminal and in the JSON report', async () => {
  const dir = writeRecording([threeThreads()], { command: ['python', 'work.py'], pid: 1234, exitCode: 0 });
  writeFileSync(join(dir, 'errors-4321.txt'), '/usr/bin/python3: not recorded: the probe could not be loaded (bad ELF)\n', { mode: 0o600 });
  writeFileSync(join(dir, 'errors-1234.txt'), '/usr/bin/python3: recorded, but long GIL holds are not split (EAGAIN)\n', { mode: 0o600 });
  const text = await gilscope(['report', dir]);
  assert.equal(text.code, 0, text.stderr);
  assert.match(text.stdout, new RegExp(`warning: process 4321 was not recorded: the probe could not be loaded \\(bad ELF\\) \\(${dir}/errors-4321\\.txt\\)`));
  assert.match(text.stdout, /warning: process 1234: recorded, but long GIL holds are not split \(EAGAIN\)/);
  const json = await gilscope(['report', dir, '--json']);
  const report = JSON.parse(json.stdout) as Report;
  assert.ok(report.warnings.some((w) => w.startsWith('process 4321 was not recorded: the probe could not be loaded')), report.warnings.join('\n'));
});

test('a damaged session.json is a warning, not silently ignored; a FIFO in its place does not hang the report', async () => {
  const dir = writeRecording([threeThreads()]);
  writeFileSync(join(dir, 'session.json'), '{"command": ["python", "wor');
  const r = await gilscope(['report', dir, '--json']);
  assert.equal(r.code, 0, r.stderr);
  const report = JSON.parse(r.stdout) as Report;
  assert.equal(report.command, null);
  assert.ok(report.warnings.some((w) => /^session\.json is damaged \(not JSON: .*\): the command and exit status are unknown$/.test(w)), report.warnings.join('\n'));
  assert.match(r.stderr, /gilscope: warning: session\.json is damaged/);

  const fifo = writeRecording([threeThreads()]);
  assert.equal(spawnSync('mkfifo', [join(fifo, 'session.json')]).status, 0);
  const f = await gilscope(['report', fifo]);
  assert.equal(f.code, 0, f.stderr);
  assert.match(f.stdout, /warning: session\.json is damaged \(it cannot be read: not a regular file\): the command and exit status are unknown/);
});

test('a path that cannot be written: one line in words, exit 2, no errno names', async () => {
  const r = await gilscope(['report', writeRecording([threeThreads()]), '--html', '/no/such/folder/report.html']);
  assert.equal(r.code, 2);
  assert.equal(oneLine(r.stderr), 'gilscope report: /no/such/folder/report.html: no such file or folder');
});
