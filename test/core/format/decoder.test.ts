import assert from 'node:assert/strict';
import { appendFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { GsrReader } from '../../../src/core/format/gsrReader';
import { HEADER_SIZE } from '../../../src/core/format/layout';
import { RecordingError } from '../../../src/core/format/recordingError';
import type { RecordSink } from '../../../src/core/format/recordSink';
import { analyzeRecording } from '../../../src/core/analysis/recordingSession';
import { ms, tempDir } from '../../support/recordingFixtures';
import { RecordingWriter } from '../../support/recordingWriter';
import { threeThreads } from '../../support/scenarios';

class Collect implements RecordSink {
  readonly seen: [number, number, number, number][] = [];
  private slot = 0;
  beginChunk(slot: number): void {
    this.slot = slot;
  }
  record(type: number, _flags: number, arg: number, ts: number): void {
    this.seen.push([this.slot, type, arg, ts]);
  }
}

function fileOf(w: RecordingWriter, bytes = w.bytes()): string {
  const path = join(tempDir(), w.fileName);
  writeFileSync(path, bytes);
  return path;
}

function decode(path: string): Collect {
  const sink = new Collect();
  const r = new GsrReader(path, () => sink);
  try {
    r.poll();
  } finally {
    r.close();
  }
  return sink;
}

function errorOf(path: string): RecordingError {
  try {
    decode(path);
  } catch (e) {
    assert.ok(e instanceof RecordingError, `RecordingError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a RecordingError');
}

test('records come back per thread in order, with relative ticks', () => {
  const sink = decode(fileOf(threeThreads()));
  const t1 = sink.seen.filter((r) => r[0] === 2).map((r) => r[3]);
  assert.deepEqual(t1, [...t1].sort((a, b) => a - b));
  assert.deepEqual(sink.seen.find((r) => r[1] === 1 && r[0] === 2), [2, 1, 101, ms(1)]);
});

test('unknown record types are skipped by their extra slots', () => {
  const w = new RecordingWriter();
  const t = w.thread(1).start(0, 7);
  t.raw(200, 0, 0, w.ticks(10), new Uint8Array(48).fill(0xff), 10);
  t.gilAcquire(ms(1), 0, true).end(ms(2));
  w.end(1, 0, ms(2));
  const types = decode(fileOf(w)).seen.map((r) => r[1]);
  assert.deepEqual(types, [1, 200, 6, 2]);
});

test('a chunk reserved but not written (magic 0) is skipped', () => {
  const w = threeThreads();
  w.reservedEmpty = 1;
  const p = analyzeRecording(join(fileOf(w), '..')).processes[0]!;
  assert.equal(p.threads.length, 3);
});

test('definitions may come after their use in file order', () => {
  const w = new RecordingWriter();
  const a = w.thread(1).start(0, 1).gilAcquire(ms(1), 7, true).gilRelease(ms(2));
  w.thread(2).string(9, 'late.py').string(8, 'fn').site(0, 7, 9, 8, 42);
  a.gilAcquire(ms(3), 7, true).end(ms(4));
  w.end(1, 0, ms(4));
  const p = analyzeRecording(join(fileOf(w), '..')).processes[0]!;
  assert.ok(p.lines.some((l) => l.file === 'late.py' && l.line === 42 && l.function === 'fn'));
});

test('a record whose extra runs past its chunk is corrupt, naming the byte', () => {
  const w = new RecordingWriter();
  w.thread(1).start(0, 1);
  const bytes = w.bytes();
  const at = HEADER_SIZE + 32; // first slot of chunk 0
  bytes[at + 1] = 255;
  const e = errorOf(fileOf(w, bytes));
  assert.equal(e.kind, 'corrupt');
  assert.equal(e.offset, at);
  assert.match(e.message, /runs past its chunk at byte 4128/);
});

test('a string longer than its payload is corrupt', () => {
  const w = new RecordingWriter();
  w.thread(1).string(1, 'abc');
  const bytes = w.bytes();
  new DataView(bytes.buffer).setUint32(HEADER_SIZE + 32 + 8, 4000, true);
  assert.equal(errorOf(fileOf(w, bytes)).kind, 'corrupt');
});

test('a newer format version asks to update gilscope', () => {
  const e = errorOf(fileOf(new RecordingWriter({ formatVersion: 4 })));
  assert.equal(e.kind, 'newerVersion');
  assert.match(e.message, /update gilscope/);
});

test('a truncated file of an ended process is an error naming the byte', () => {
  const w = threeThreads();
  const bytes = w.bytes();
  const e = errorOf(fileOf(w, bytes.subarray(0, bytes.length - 4096)));
  assert.equal(e.kind, 'truncated');
  assert.equal(e.offset, bytes.length - 4096);
  assert.equal(errorOf(fileOf(w, bytes.subarray(0, 100))).kind, 'truncated');
  assert.equal(errorOf(fileOf(w, new Uint8Array(0))).kind, 'notRecording');
});

test('following a file that is still written: new chunks and new slots of open chunks', () => {
  const w = new RecordingWriter();
  const t = w.thread(1).start(0, 1, true);
  for (let i = 0; i < 10; i++) t.gilAcquire(ms(i), 0, true).gilRelease(ms(i + 0.5));
  const dir = tempDir();
  const path = join(dir, w.fileName);
  writeFileSync(path, w.bytes());
  const sink = new Collect();
  const reader = new GsrReader(path, () => sink);
  assert.equal(reader.poll().ended, false);
  assert.equal(sink.seen.length, 21);
  for (let i = 10; i < 300; i++) t.gilAcquire(ms(i), 0, true).gilRelease(ms(i + 0.5));
  w.end(1, 0, ms(301));
  const more = w.bytes();
  writeFileSync(path, more.subarray(0, HEADER_SIZE + 4096)); // rewrite header and chunk 0 only
  appendFileSync(path, more.subarray(HEADER_SIZE + 4096));
  const r = reader.poll();
  assert.equal(r.ended, true);
  assert.equal(sink.seen.length, 601);
  assert.equal(reader.poll().newChunks, 0);
  reader.close();
  const ts = sink.seen.map((x) => x[3]);
  assert.deepEqual(ts, [...ts].sort((a, b) => a - b));
});
