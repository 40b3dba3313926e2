import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { outline } from '../../src/server/python/outline';
import type { PythonOutline } from '../../src/server/python/outlineTypes';
import { PythonParser } from '../../src/server/python/parser';
import { repoRoot } from '../support/repoRoot';

/** The parser module on its own: tree-sitter's Python grammar, loaded from dist/ as the packaged server loads it. */

let parser: PythonParser;

before(async () => {
  parser = await PythonParser.load(join(repoRoot, 'dist'));
});

function outlineOf(text: string): PythonOutline {
  return parser.parse(text, outline);
}

test('the .wasm files load from dist/, offline, and parse a workload', () => {
  const o = outlineOf(readFileSync(join(repoRoot, 'test/workloads/cpu_threads.py'), 'utf8'));
  const worker = o.functions.find((f) => f.name === 'worker');
  assert.equal(worker?.qualname, 'main.<locals>.worker');
  assert.ok(worker.pureLoopLine !== undefined);
  assert.equal(o.mainGuard, true);
  assert.deepEqual(o.threadTargets.map((t) => [t.kind, t.targetText]), [['thread', 'worker']]);
});

test('functions: qualified names as CPython gives them, decorators, line ranges', () => {
  const o = outlineOf([
    'import functools',
    'class Pool:',
    '    @functools.lru_cache',
    '    def run(self):',
    '        def inner():',
    '            class Local:',
    '                def m(self): pass',
    '        return inner',
    'async def fetch(): pass',
  ].join('\n'));
  assert.deepEqual(o.functions.map((f) => [f.qualname, f.firstLine, f.defLine, f.endLine, f.topLevel]), [
    ['Pool.run', 2, 3, 7, false],
    ['Pool.run.<locals>.inner', 4, 4, 6, false],
    ['Pool.run.<locals>.inner.<locals>.Local.m', 6, 6, 6, false],
    ['fetch', 8, 8, 8, true],
  ]);
  assert.equal(o.mainGuard, false);
});

test('with blocks, lock-ish context managers, acquire calls, sleeps and blocking I/O under a lock', () => {
  const o = outlineOf([
    'import threading, time, requests',
    'guard = threading.RLock()',
    'def f(sock):',
    '    with guard:',
    '        time.sleep(1)',
    '        data = sock.recv(10)',
    '    with open("x") as fh, self._mutex:',
    '        fh.read()',
    '    guard.acquire()',
    '    requests.get("http://localhost")',
    '    guard.release()',
    '    requests.get("http://localhost")',
    'if __name__ == "__main__":',
    '    f(None)',
  ].join('\n'));
  assert.deepEqual(o.withBlocks.map((w) => [w.line, w.contextText, w.lockish, w.itemCount, w.body.length, w.scope]), [
    [3, 'guard', true, 1, 2, 'f'],
    [6, 'open("x")', false, 2, 1, 'f'],
  ]);
  assert.deepEqual([...o.lockNames], ['guard']);
  assert.deepEqual(o.acquires.map((a) => [a.line, a.callee]), [[8, 'guard']]);
  assert.deepEqual(o.sleeps.map((s) => [s.line, s.underLock]), [[4, 'guard']]);
  assert.deepEqual(o.blockingCalls.map((c) => [c.line, c.callee, c.underLock]), [
    [5, 'sock.recv', 'guard'],
    [6, 'open', undefined],
    [7, 'fh.read', undefined],
    [9, 'requests.get', 'guard'],
    [11, 'requests.get', undefined],
  ]);
  assert.equal(o.mainGuard, true);
});

test('thread targets: Thread(target=), executor.submit and .map, and the pools they run in', () => {
  const o = outlineOf([
    'import concurrent.futures, threading',
    'from concurrent.futures import ThreadPoolExecutor',
    'def work(n): return n',
    'threading.Thread(target=work, args=(1,)).start()',
    'with ThreadPoolExecutor(max_workers=2, thread_name_prefix="w") as ex:',
    '    ex.submit(work, 1)',
    '    list(ex.map(work, [1, 2]))',
    'pp = concurrent.futures.ProcessPoolExecutor()',
    'pp.submit(work, 2)',
    'map(work, [1])',
  ].join('\n'));
  assert.deepEqual(o.threadTargets.map((t) => [t.kind, t.line, t.targetText, t.executor, t.pool?.kind]), [
    ['thread', 3, 'work', undefined, undefined],
    ['submit', 5, 'work', 'ex', 'thread'],
    ['map', 6, 'work', 'ex', 'thread'],
    ['submit', 8, 'work', 'pp', 'process'],
  ]);
  assert.deepEqual(o.pools.map((p) => [p.kind, p.calleeText, p.keywords]), [
    ['thread', 'ThreadPoolExecutor', ['max_workers', 'thread_name_prefix']],
    ['process', 'concurrent.futures.ProcessPoolExecutor', []],
  ]);
});

test('a file being typed still gives the functions around the error', () => {
  // `ast` would give nothing for this file until `x = ` is finished.
  const o = outlineOf(['def ok(): pass', 'def broken(a):', '    x = ', 'def after():', '    with lock:', '        pass'].join('\n'));
  assert.deepEqual(o.functions.map((f) => f.name), ['ok', 'broken', 'after']);
  assert.deepEqual(o.withBlocks.map((w) => w.contextText), ['lock']);
});

test('positions are UTF-16 columns, as the LSP counts them', () => {
  const o = outlineOf('s = "héllo😀"; threading.Thread(target=work)\n');
  assert.deepEqual(o.threadTargets[0]!.range.start, { line: 0, character: 39 }); // é is one unit, 😀 two
});
