import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { GsrReader } from '../../../src/core/format/gsrReader';
import { HEADER_SIZE, RecordFlag, RecordType } from '../../../src/core/format/layout';
import type { RecordSink } from '../../../src/core/format/recordSink';
import { tempDir } from '../../support/recordingFixtures';
import { RecordingWriter } from '../../support/recordingWriter';
import type { ThreadWriter } from '../../support/recordingWriter';

/**
 * Format version 3 (runtime/FORMAT.md, "Record forms"): the same records as
 * version 2, packed in 8-byte units. A record whose values fit is short (its
 * time counted from the base); one that does not (a large arg, a flag the
 * short form drops, a time far from the base or before it, a large payload
 * word) is written long. Either way a reader gets back exactly what version 2
 * gives, in a smaller file.
 */

type Seen = [slot: number, type: number, flags: number, arg: number, ts: number, ...payload: number[]];

class Collect implements RecordSink {
  readonly seen: Seen[] = [];
  private slot = 0;
  beginChunk(slot: number): void {
    this.slot = slot;
  }
  record(type: number, flags: number, arg: number, ts: number, p0: number, p1: number, p2: number, p3: number): void {
    this.seen.push([this.slot, type, flags, arg, ts, p0, p1, p2, p3]);
  }
  wideRecord(type: number, flags: number, arg: number, ts: number, words: Uint32Array, p: number, extra: number): void {
    this.seen.push([this.slot, type, flags, arg, ts, ...words.subarray(p, p + extra * 4)]);
  }
}

/** The types of the long records in a version 3 file (the short ones have their first byte's bit 7 set). */
function longTypes(bytes: Uint8Array): Set<number> {
  const types = new Set<number>();
  for (let c = HEADER_SIZE; c + 4096 <= bytes.length; c += 4096) {
    for (let at = c + 32; at < c + 4096 && bytes[at] !== 0;) {
      const b0 = bytes[at]!;
      if (b0 & 0x80) at += b0 & 0x40 ? 16 : 8;
      else {
        types.add(b0);
        at += 16 * (1 + bytes[at + 1]!);
      }
    }
  }
  return types;
}

function decode(w: RecordingWriter): { seen: Seen[]; bytes: number; sites: string } {
  const path = join(tempDir(), w.fileName);
  const bytes = w.bytes();
  writeFileSync(path, bytes);
  const sink = new Collect();
  const r = new GsrReader(path, () => sink);
  try {
    r.poll();
    const sites = JSON.stringify([1, 2, 3].map((id) => r.defs.site(id)));
    return { seen: sink.seen, bytes: bytes.length, sites };
  } finally {
    r.close();
  }
}

/** Records that fit the short form and records that do not, on two threads, over more than one chunk. */
function workload(version: number): RecordingWriter {
  // TSC ticks at 2.9 a ns: 2^32 ticks are 1.48 s
  const w = new RecordingWriter({ formatVersion: version, clockKind: 1, ticksPerNs: 2.9, startTicks: 2n ** 50n });
  const a = w.thread(1).start(0, 11, true);
  const b = w.thread(2).start(1000, 12);
  a.string(1, 'work.py').string(2, 'run').site(10, 1, 1, 2, 7).site(20, 2, 1, 2, 70_000, 69_999);
  a.site(30, 3, 1, 2, 12);
  let now = 1e6;
  const both = (f: (t: ThreadWriter, i: number) => void) => {
    for (let i = 0; i < 700; i++) {
      f(a, i);
      f(b, i);
      now += 7_000;
    }
  };
  both((t, i) => {
    t.gilWait(now).gilAcquire(now + 1000, 1 + (i % 3)).gilRelease(now + 3000);
    if (i % 50 === 0) t.gilAcquire(now + 3500, 70_000 + i); // arg above 65535: long
    if (i % 60 === 0) t.rec(RecordType.gilRelease, 0x10, 0, now + 3600); // a flag the short form drops: long
    if (i % 40 === 0) t.lockAcquire(now + 4000, 5, 3, RecordFlag.tentative).lockRelease(now + 4500, 5); // tentative: not the base
    if (i % 70 === 0) t.lockWait(now + 5000, 5, 0, 2, 2, 100_000); // a payload word above 65535: long
    if (i % 90 === 0) t.gilQuiet(now + 5500, 1, 3, 900, 4000, 400);
  });
  a.string(3, 'a name between records: its length is not a time');
  a.gilAcquire(now + 2e9, 1); // 2 s later: beyond 2^32 ticks of the base, long
  a.gilRelease(now + 2e9 + 100); // short again, from that base
  a.gilAcquire(now + 2e9 + 50, 2); // before the base: long
  b.lockQuiet(now + 10, 5, 4, 1000, 4000, 300, 3, 3, [1, 2, 1, 0, 0, 0, 0, 0]);
  return w;
}

test('version 3 reads back exactly the records of version 2, short and long forms alike, in about half the bytes', () => {
  const v2 = decode(workload(2));
  const v3 = decode(workload(3));
  assert.ok(v2.seen.length > 4000, `${v2.seen.length} records`);
  // Threads' chunks fill at other moments, so they interleave otherwise in the file: each thread's records, in order.
  const byThread = (seen: Seen[]) => [1, 2].map((slot) => seen.filter((r) => r[0] === slot));
  assert.deepEqual(byThread(v3.seen), byThread(v2.seen));
  assert.equal(v3.seen.length, v2.seen.length);
  assert.equal(v3.sites, v2.sites);
  // every kind of record that cannot be short was written long
  const long = longTypes(workload(3).bytes());
  for (const type of [RecordType.gilAcquire, RecordType.gilRelease, RecordType.lockWait, RecordType.site, RecordType.string, RecordType.lockQuiet]) {
    assert.ok(long.has(type), `a long ${type}: ${[...long].join(', ')}`);
  }
  const chunks = (n: number) => (n - HEADER_SIZE) / 4096;
  assert.ok(chunks(v3.bytes) <= 0.6 * chunks(v2.bytes), `version 3: ${chunks(v3.bytes)} chunks, version 2: ${chunks(v2.bytes)}`);
});

test('a short record is read against the base: the chunk\'s time, then the last record that is not tentative', () => {
  const w = new RecordingWriter({ formatVersion: 3 });
  const t = w.thread(1).start(5000, 11, true);
  t.tentativeRelease(9000).gilAcquire(9500, 1, true).gilRelease(12_000);
  const { seen } = decode(w);
  assert.deepEqual(seen.map((r) => [r[1], r[4]]), [[RecordType.threadStart, 5000], [RecordType.gilRelease, 9000], [RecordType.gilAcquire, 9500], [RecordType.gilRelease, 12_000]]);
  // all four are one unit each: the chunk's records end at the fifth unit
  const bytes = w.bytes();
  const body = HEADER_SIZE + 32;
  assert.deepEqual([0, 1, 2, 3].map((k) => bytes[body + 8 * k]! & 0x80), [0x80, 0x80, 0x80, 0x80]);
  assert.equal(bytes[body + 32], 0);
});
