import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { join } from 'node:path';
import type { Diagnostic } from 'vscode-languageserver-protocol';
import { repoRoot } from '../support/repoRoot';
import { LspClient } from './support/lspClient';
import { applyAction, copyFixture, removeCopies, runPython, runPythonSpawned } from './support/python';

/**
 * The language server without any recording, driven over stdio through the
 * protocol: the static patterns, and the code actions applied to copies of
 * test/server/fixtures/*.py, which must then print the same and exit the same.
 */

let client: LspClient;

before(async () => {
  ({ client } = await LspClient.start([]));
});

after(async () => {
  await client.stop();
  removeCopies();
});

/** The first line holding `needle` after the module's docstring. */
function lineOf(text: string, needle: string): number {
  const code = text.slice(0, text.indexOf('"""', 3)).split('\n').length;
  const i = text.split('\n').findIndex((l, n) => n >= code && l.includes(needle));
  assert.ok(i >= 0, `no line with ${needle}`);
  return i;
}

test('static patterns are diagnosed without a recording, marked as such', async () => {
  const path = join(repoRoot, 'test/server/fixtures/static_patterns.py');
  const text = readFileSync(path, 'utf8');
  const uri = await client.open(path);
  const diagnostics = await client.diagnosticsFor(uri);
  const at = (code: string): number[] => diagnostics.filter((d) => d.code === code).map((d) => d.range.start.line);
  assert.deepEqual(at('static-sleep-under-lock'), [lineOf(text, 'time.sleep(0.001)')]);
  assert.deepEqual(at('static-io-under-lock').sort(), [lineOf(text, 'with open(path'), lineOf(text, 'f.write(')].sort());
  assert.deepEqual(at('static-cpu-target'), [lineOf(text, 'target=spin')]);
  for (const d of diagnostics) {
    assert.equal(d.source, 'gilscope');
    assert.match(d.message, /^static: no recording yet — /);
  }
  assert.match(diagnostics.find((d) => d.code === 'static-sleep-under-lock')!.message, /time\.sleep\(\) while holding state_lock/);
  assert.match(diagnostics.find((d) => d.code === 'static-cpu-target')!.message, /spin runs a pure-Python loop \(line \d+\)/);
});

async function fixAndRun(fixture: string, pick: (d: Diagnostic[]) => Diagnostic | undefined, title: RegExp): Promise<{ path: string; before: string; after: string; output: string }> {
  const path = copyFixture(fixture);
  const original = runPython(path);
  assert.equal(original.status, 0, original.stderr);
  const uri = await client.open(path);
  const diagnostics = await client.diagnosticsFor(uri);
  const d = pick(diagnostics);
  assert.ok(d, `no diagnostic to fix in ${fixture}: ${JSON.stringify(diagnostics.map((x) => x.code))}`);
  const actions = await client.codeActions(uri, d.range, [d]);
  const action = actions.find((a) => title.test(a.title));
  assert.ok(action, `no action ${title} among ${JSON.stringify(actions.map((a) => a.title))}`);
  const beforeText = readFileSync(path, 'utf8');
  const afterText = applyAction(path, uri, action);
  const edited = runPython(path);
  assert.deepEqual({ stdout: edited.stdout, status: edited.status }, { stdout: original.stdout, status: original.status }, edited.stderr);
  return { path, before: beforeText, after: afterText, output: original.stdout };
}

test('a CPU-bound thread pool becomes a process pool, under a new __main__ guard, and prints the same', { timeout: 60_000 }, async () => {
  const { path, after: text, output } = await fixAndRun('pool_cpu.py', (ds) => ds.find((d) => d.code === 'static-cpu-target'), /ProcessPoolExecutor/);
  // Where workers import the main module again (spawn, and forkserver, the default from Python 3.14 on Linux), the guard keeps them from rerunning it.
  const spawned = runPythonSpawned(path);
  assert.deepEqual({ stdout: spawned.stdout, status: spawned.status }, { stdout: output, status: 0 }, spawned.stderr);
  assert.match(text, /^from concurrent\.futures import ProcessPoolExecutor$/m);
  assert.match(text, /^sizes = \[LIMIT \+ k for k in range\(ROUNDS\)\]\nif __name__ == "__main__":\n {4}with ProcessPoolExecutor/m, 'the guard starts at the first statement that runs');
  assert.match(text, /^ {4}print\(describe\(results\)\)$/m);
  assert.match(text, /^LIMIT = 20_000$/m, 'constants stay at module level');
  assert.match(text, /^def sum_of_squares\(n\):$/m, 'functions stay importable');
});

test('a larger switch interval goes after the imports and the program prints the same', { timeout: 60_000 }, async () => {
  const { before: old, after: text } = await fixAndRun('pool_cpu.py', (ds) => ds.find((d) => d.code === 'static-cpu-target'), /setswitchinterval/);
  assert.match(text, /^from concurrent\.futures import ThreadPoolExecutor\nimport sys\n# gilscope: .*\n# .*\nsys\.setswitchinterval\(0\.05\)\n/m);
  assert.equal(text.split('\n').length, old.split('\n').length + 4);
});

test('a critical section is narrowed to the statements that touch shared state, and the totals are the same', { timeout: 60_000 }, async () => {
  const path = copyFixture('narrow_lock.py');
  const original = runPython(path);
  assert.equal(original.status, 0, original.stderr);
  const uri = await client.open(path);
  const text = readFileSync(path, 'utf8');
  const line = lineOf(text, 'with lock:');
  const actions = await client.codeActions(uri, { start: { line, character: 8 }, end: { line, character: 8 } });
  const action = actions.find((a) => /^Hold lock only for the statements that need it$/.test(a.title));
  assert.ok(action, JSON.stringify(actions.map((a) => a.title)));
  assert.equal(action.kind, 'refactor.rewrite');
  const edited = applyAction(path, uri, action);
  const expected = [
    '        square = i * i',
    '        spin = 0',
    '        while spin < 20:',
    '            spin += 1',
    '        key = "even" if i % 2 == 0 else "odd"',
    '        with lock:',
    '            # Shared state: the lock is for these two.',
    '            totals[key] += square',
    '            checksum = (checksum + square * worker) % 1000003',
    '        done += 1',
    '        last = square + done',
  ].join('\n');
  assert.ok(edited.includes(expected), edited);
  const run = runPython(path);
  assert.deepEqual({ stdout: run.stdout, status: run.status }, { stdout: original.stdout, status: original.status }, run.stderr);
});

test('nothing is offered when moving code could change what the program does', { timeout: 60_000 }, async () => {
  const cases: Record<string, string> = {
    // The pool's function appends to its argument: in a process the list would stay empty.
    'pool_mutates.py': [
      'from concurrent.futures import ThreadPoolExecutor',
      '',
      'def fill(out, n):',
      '    total = 0',
      '    for i in range(n):',
      '        total += i * i',
      '    out.append(total)',
      '',
      'out = []',
      'with ThreadPoolExecutor() as pool:',
      '    pool.submit(fill, out, 10).result()',
      'print(len(out))',
      '',
    ].join('\n'),
    // The function reads a module variable the guard would hide from the workers.
    'pool_global.py': [
      'from concurrent.futures import ThreadPoolExecutor',
      '',
      'def square_sum(n):',
      '    total = 0',
      '    for i in range(n * factor):',
      '        total += i * i',
      '    return total',
      '',
      'factor = int("3")',
      'with ThreadPoolExecutor() as pool:',
      '    print(list(pool.map(square_sum, [1, 2])))',
      '',
    ].join('\n'),
  };
  for (const [name, source] of Object.entries(cases)) {
    const path = copyFixture('pool_cpu.py').replace(/pool_cpu\.py$/, name);
    writeFileSync(path, source);
    const uri = await client.open(path);
    const diagnostics = await client.diagnosticsFor(uri);
    const d = diagnostics.find((x) => x.code === 'static-cpu-target');
    assert.ok(d, `${name}: ${JSON.stringify(diagnostics)}`);
    const titles = (await client.codeActions(uri, d.range, [d])).map((a) => a.title);
    assert.ok(!titles.some((t) => /ProcessPoolExecutor/.test(t)), `${name}: ${JSON.stringify(titles)}`);
  }
  // Every statement of the body reads or writes shared state: nothing to move.
  const path = copyFixture('narrow_lock.py').replace(/narrow_lock\.py$/, 'shared_only.py');
  writeFileSync(path, ['import threading', 'lock = threading.Lock()', 'items = []', '', 'def add(x):', '    with lock:', '        y = len(items)', '        items.append(x + y)', ''].join('\n'));
  const uri = await client.open(path);
  const actions = await client.codeActions(uri, { start: { line: 5, character: 4 }, end: { line: 5, character: 4 } });
  assert.deepEqual(actions.map((a) => a.title), []);
});
