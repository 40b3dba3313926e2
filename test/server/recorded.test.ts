import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { defLine } from '../support/sourceLines';
import { repoRoot } from '../support/repoRoot';
import type { CodeLens, Diagnostic, MarkupContent } from 'vscode-languageserver-protocol';
import { markerLines, recordOnce } from '../support/recordWorkload';
import type { Recorded } from '../support/recordWorkload';
import { LspClient } from './support/lspClient';
import { applyAction, copyFixture, recordFixture, removeCopies, runPython } from './support/python';

/**
 * The language server on REAL recordings (test/workloads/lock_convoy.py and
 * cpu_threads.py, recorded once for this file with the exact runtime),
 * driven through the protocol over stdio as the extension's client drives it.
 */

let convoy: Recorded;
let cpu: Recorded;
/** test/server/fixtures/with_lock.py, recorded: a lock taken with `with`. */
let withLock: string;
let client: LspClient;
let convoyUri: string;
let cpuUri: string;

before(async () => {
  [convoy, cpu, withLock] = await Promise.all([
    recordOnce('lock_convoy', ['--iterations', '200']),
    recordOnce('cpu_threads', ['--seconds', '0.8']),
    recordFixture('with_lock.py'),
  ]);
  ({ client } = await LspClient.start([convoy.dir, cpu.dir, withLock]));
  convoyUri = await client.open(convoy.script);
  cpuUri = await client.open(cpu.script);
}, { timeout: 180_000 });

after(async () => {
  if (client) assert.equal(await client.stop(), 0);
  removeCopies();
});

function lensesAt(lenses: CodeLens[], line: number): string[] {
  return lenses.filter((l) => l.range.start.line === line).map((l) => l.command?.title ?? '');
}

function hoverText(h: Awaited<ReturnType<LspClient['hover']>>): string {
  assert.ok(h, 'no hover');
  return (h.contents as MarkupContent).value;
}

test('the recordings load and name the files they ran', () => {
  const statuses = client.loads[0]!;
  assert.deepEqual(statuses.map((s) => s.state), ['loaded', 'loaded', 'loaded']);
  assert.ok(statuses[0]!.files!.includes(convoy.script), JSON.stringify(statuses[0]!.files));
});

test('code lenses: GIL and lock shares over convoy_worker, the lock figures over its acquire line', async () => {
  const lenses = await client.lenses(convoyUri);
  const [fn] = lensesAt(lenses, defLine(convoy.script, 'convoy_worker'));
  assert.match(fn ?? '', /^GIL held \d+% · waited (\d+|<1)% · lock wait (\d+)% of [\d.]+ s$/);
  // The convoy's threads spend most of their time waiting for the lock, not the GIL.
  const [, lockShare] = /lock wait (\d+)%/.exec(fn!)!;
  assert.ok(Number(lockShare) >= 40, fn);
  const wait = markerLines(convoy.truth, 'LOCK-WAIT')[0]! - 1;
  const [lock] = lensesAt(lenses, wait);
  assert.match(lock ?? '', /^shared_lock: waited [\d.]+ m?s over \d+ contended acquisitions · held [\d.]+ m?s$/);
  const contended = Number(/over (\d+) contended/.exec(lock!)![1]);
  assert.ok(contended > 0 && contended <= (convoy.truth['acquisitions'] as number), lock);
});

test('a `with lock:` block: the lock\'s waits and holds at its line, the holder line in its hover, and a fix that narrows it', { timeout: 60_000 }, async () => {
  const path = join(repoRoot, 'test/server/fixtures/with_lock.py');
  const uri = await client.open(path);
  const line = readFileSync(path, 'utf8').split('\n').findIndex((l) => l.trim() === 'with shared:');
  const lenses = await client.lenses(uri);
  assert.match(lensesAt(lenses, line)[0] ?? '', /^shared: waited [\d.]+ m?s over \d+ contended acquisitions · held [\d.]+ m?s$/);
  assert.match(lensesAt(lenses, defLine(path, 'worker'))[0] ?? '', /^GIL held \d+% · waited (\d+|<1)% · lock wait \d+% of/);
  assert.match(hoverText(await client.hover(uri, line)), new RegExp(`Held while others waited:\\n- line ${line + 1} \\(\`worker\`\\)`));
  const diagnostics = await client.diagnosticsFor(uri);
  const lock = diagnostics.find((d) => d.code === 'lock-contention' && d.range.start.line === line);
  assert.ok(lock, JSON.stringify(diagnostics));
  // Its quick fix: the busy-wait reads only a clock and a local, so it moves out and only `count += 1` keeps the lock.
  const action = (await client.codeActions(uri, lock.range, [lock])).find((a) => a.title === 'Hold shared only for the statements that need it');
  assert.ok(action);
  assert.equal(action.kind, 'quickfix');
  const copy = copyFixture('with_lock.py');
  const before = runPython(copy);
  const edited = applyAction(copy, uri, action);
  assert.ok(edited.includes('        with shared:\n            count += 1\n'), edited);
  const run = runPython(copy);
  assert.deepEqual({ stdout: run.stdout, status: run.status }, { stdout: before.stdout, status: 0 }, run.stderr);
  assert.equal(run.stdout, '600\n');
});

test('diagnostics name their figures: the contended lock and the CPU-bound thread target', async () => {
  const convoyDiagnostics = await client.diagnosticsFor(convoyUri);
  const lockLines = convoyDiagnostics.filter((d) => d.code === 'lock-contention').map((d) => d.range.start.line).sort((a, b) => a - b);
  const expected = [markerLines(convoy.truth, 'LOCK-CREATE')[0]! - 1, markerLines(convoy.truth, 'LOCK-WAIT')[0]! - 1].sort((a, b) => a - b);
  assert.deepEqual(lockLines, expected);
  for (const d of convoyDiagnostics) {
    assert.equal(d.source, 'gilscope');
    assert.ok(d.severity === 3 || d.severity === 4, 'Information or Hint');
  }
  // (On a loaded machine a convoy on the GIL may be measured too; the lock's are the ones asked for.)
  assert.match(convoyDiagnostics.find((d) => d.code === 'lock-contention')!.message, /^shared_lock: threads waited [\d.]+ m?s for it \(\d+% of the [\d.]+ m?s run, above 10%\) over \d+ contended acquisitions; held/);

  const cpuDiagnostics = await client.diagnosticsFor(cpuUri);
  const target = cpuDiagnostics.find((d) => d.code === 'cpu-bound-target');
  assert.ok(target, JSON.stringify(cpuDiagnostics));
  const text = readFileSync(cpu.script, 'utf8').split('\n');
  assert.match(text[target.range.start.line]!.slice(target.range.start.character, target.range.end.character), /^worker$/);
  assert.match(target.message, /^worker held the GIL \d+% of the [\d.]+ m?s run \([\d.]+ m?s\) while threads waited [\d.]+ s for it/);
});

test('diagnostics follow the settings: off, back on, and the lock-wait share', async () => {
  const version = (uri: string): number => client.diagnostics.get(uri)?.version ?? 0;
  const settle = (uri: string, want: (d: Diagnostic[]) => boolean, what: string): Promise<Diagnostic[]> =>
    client.until(() => {
      const d = client.diagnostics.get(uri)?.diagnostics;
      return d && want(d) ? d : undefined;
    }, what);
  assert.ok(version(convoyUri) >= 1);
  await client.changeSettings({ enabled: false });
  await settle(convoyUri, (d) => d.length === 0, 'no diagnostics in lock_convoy.py');
  await settle(cpuUri, (d) => d.length === 0, 'no diagnostics in cpu_threads.py');
  await client.changeSettings({ enabled: true, lockWaitShare: 100 });
  await settle(cpuUri, (d) => d.some((x) => x.code === 'cpu-bound-target'), 'the CPU diagnostic back');
  const convoyNow = client.diagnostics.get(convoyUri)!.diagnostics;
  assert.deepEqual(convoyNow.filter((d) => d.code === 'lock-contention'), [], 'no lock lost 10,000% of the run');
  await client.changeSettings({});
  await settle(convoyUri, (d) => d.some((x) => x.code === 'lock-contention'), 'the lock diagnostics back');
});

test('hovers: the line figures with its threads, and the lock with the lines that held it while others waited', async () => {
  const wait = markerLines(convoy.truth, 'LOCK-WAIT')[0]!;
  const text = hoverText(await client.hover(convoyUri, wait - 1));
  assert.match(text, /GIL held \*\*[\d.]+ m?s\*\* \(\d+%\) · waiting \*\*[\d.]+ m?s\*\* \(\d+%\) · released \*\*[\d.]+ m?s\*\*/);
  assert.match(text, /lock wait \*\*[\d.]+ m?s\*\*/);
  assert.match(text, /Threads \(4\): convoy-\d [\d.]+ m?s \(\d+ acquisitions, \d+ lock waits/);
  for (const name of ['convoy-0', 'convoy-1', 'convoy-2', 'convoy-3']) assert.ok(text.includes(name), `${name} in ${text}`);
  assert.match(text, new RegExp(`Held while others waited:\\n- line ${wait} \\(\`convoy_worker\`\\): others waited [\\d.]+ m?s while it was held here`));
  const created = hoverText(await client.hover(convoyUri, markerLines(convoy.truth, 'LOCK-CREATE')[0]! - 1));
  assert.match(created, /\*\*shared_lock\*\* \(Lock, created on this line\): \d+ acquisitions, \d+ contended/);
  assert.match(created, new RegExp(`- line ${wait} \\(\`convoy_worker\`\\)`));
  assert.equal(await client.hover(convoyUri, 0), null, 'no hover on a line the recording did not see');
});

test('lenses and hovers follow edits made after the recording', async () => {
  const fnLine = defLine(convoy.script, 'convoy_worker');
  const wait = markerLines(convoy.truth, 'LOCK-WAIT')[0]! - 1;
  // Three lines above everything, and one more inside convoy_worker before the acquire.
  await client.change(convoyUri, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# one\n# two\n# three\n' }]);
  await client.change(convoyUri, [{ range: { start: { line: fnLine + 4, character: 0 }, end: { line: fnLine + 4, character: 0 } }, text: '    pass\n' }]);
  const lenses = await client.lenses(convoyUri);
  assert.match(lensesAt(lenses, fnLine + 3)[0] ?? '', /^GIL held/);
  assert.match(lensesAt(lenses, wait + 4)[0] ?? '', /^shared_lock: waited/);
  assert.deepEqual(lensesAt(lenses, wait + 3), []);
  assert.match(hoverText(await client.hover(convoyUri, wait + 4)), new RegExp(`line ${wait + 1} as recorded`));
  // Deleting the acquire line takes its lens away.
  await client.change(convoyUri, [{ range: { start: { line: wait + 4, character: 0 }, end: { line: wait + 5, character: 0 } }, text: '' }]);
  const after = await client.lenses(convoyUri);
  assert.ok(!after.some((l) => /^shared_lock/.test(l.command?.title ?? '')), JSON.stringify(after.map((l) => l.command?.title)));
});

test('a file whose text is not the one recorded says so in its lenses', async () => {
  await client.rpc.sendNotification('textDocument/didClose', { textDocument: { uri: cpuUri } });
  const changed = `# an edit the recording never saw\n${readFileSync(cpu.script, 'utf8')}`;
  await client.open(cpu.script, changed);
  const lenses = await client.lenses(cpuUri);
  const worker = lenses.find((l) => /^GIL held/.test(l.command?.title ?? '') && l.range.start.line === defLine(cpu.script, 'worker') + 1);
  assert.ok(worker, JSON.stringify(lenses.map((l) => [l.range.start.line, l.command?.title])));
  assert.match(worker.command!.title, /· recording older than the file \(the editor holds changes made before the recording was loaded\): figures by function name$/);
  assert.match(hoverText(await client.hover(cpuUri, defLine(cpu.script, 'worker') + 1)), /is older than this file/);
  await client.rpc.sendNotification('textDocument/didClose', { textDocument: { uri: cpuUri } });
  await client.open(cpu.script);
});

test('the switch-interval action on the measured CPU-bound target: the edited workload runs the same', { timeout: 60_000 }, async () => {
  const target = await client.until(() => client.diagnostics.get(cpuUri)?.diagnostics.find((d) => d.code === 'cpu-bound-target'), 'the CPU diagnostic');
  const actions = await client.codeActions(cpuUri, target.range, [target]);
  const titles = actions.map((a) => a.title);
  assert.ok(!titles.some((t) => /ProcessPoolExecutor/.test(t)), 'threading.Thread targets are not turned into a pool');
  const action = actions.find((a) => /setswitchinterval/.test(a.title));
  assert.ok(action, JSON.stringify(titles));
  assert.deepEqual(action.diagnostics?.map((d) => d.code), ['cpu-bound-target']);
  const copy = copyFixture(cpu.script);
  const args = ['--seconds', '0.2'];
  const before = runPython(copy, args);
  const edited = applyAction(copy, cpuUri, action);
  // After the module's last import (the workloads' own helper import comes last).
  assert.match(edited, /^from _machine import .*\n# gilscope: .*\n# .*\nsys\.setswitchinterval\(0\.05\)\n/m);
  const run = runPython(copy, args);
  assert.deepEqual({ stdout: run.stdout, status: run.status }, { stdout: before.stdout, status: 0 }, run.stderr);
});

test('gilscope/didChangeRecordings replaces the list: a failing path is reported, and without a recording the patterns are static', async () => {
  const statuses = await client.setRecordings(['/nonexistent/recording.gilscope', convoy.dir]);
  assert.equal(statuses[0]!.state, 'failed');
  assert.match(statuses[0]!.error ?? '', /no such file or directory/);
  assert.equal(statuses[1]!.state, 'loaded');
  const cpuStatic = await client.until(() => {
    const d = client.diagnostics.get(cpuUri)?.diagnostics;
    return d?.some((x) => x.code === 'static-cpu-target') ? d : undefined;
  }, 'static diagnostics in cpu_threads.py');
  assert.match(cpuStatic.find((d) => d.code === 'static-cpu-target')!.message, /^static: no recording yet — worker runs a pure-Python loop/);
  assert.deepEqual(await client.lenses(cpuUri), []);
  assert.ok((await client.lenses(convoyUri)).length > 0);
  assert.equal(pathToFileURL(convoy.script).href, convoyUri);
});
