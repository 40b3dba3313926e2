import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { thisBootId } from '../../../src/core/format/bootId';
import { RETRACT_MARGIN_NS } from '../../../src/core/format/tentativeHold';
import { GsrReader } from '../../../src/core/format/gsrReader';
import { HEADER_SIZE, RecordFlag, RecordingFlag, RecordType } from '../../../src/core/format/layout';
import type { RecordSink } from '../../../src/core/format/recordSink';
import { ms, tempDir } from '../../support/recordingFixtures';
import { RecordingWriter } from '../../support/recordingWriter';
import type { WriterOptions } from '../../support/recordingWriter';

/**
 * Following a file whose writer retracts tentative records (runtime/FORMAT.md,
 * "Tentative records"): a reader of a running process takes a trailing run of
 * tentative records in a thread's last chunk only once a record that is not
 * tentative follows it, once its newest is older than fold_window_ns, or once
 * the process ended. The writer is simulated: write, poll, retract and write
 * again, poll.
 */

const FOLD = ms(1);
/** How long after a record's time it may be retracted: the fold window and the margin for a preempted writer. */
const HOLD = FOLD + RETRACT_MARGIN_NS;

class Collect implements RecordSink {
  readonly seen: { slot: number; type: number; flags: number; ts: number }[] = [];
  private slot = 0;
  beginChunk(slot: number): void {
    this.slot = slot;
  }
  record(type: number, flags: number, _arg: number, ts: number): void {
    this.seen.push({ slot: this.slot, type, flags, ts });
  }
  wideRecord(type: number, flags: number, _arg: number, ts: number): void {
    this.seen.push({ slot: this.slot, type, flags, ts });
  }
  types(slot = 1): number[] {
    return this.seen.filter((r) => r.slot === slot).map((r) => r.type);
  }
}

/** The format version the test running writes: each test runs for version 2 (16-byte slots) and 3 (8-byte units). */
let version = 2;
/** Places in a chunk, and bytes a place, in `version`. */
const places = (): { perChunk: number; size: number } => (version >= 3 ? { perChunk: 508, size: 8 } : { perChunk: 254, size: 16 });

function bothVersions(name: string, body: () => void): void {
  for (const v of [2, 3]) {
    test(`${name} (format version ${v})`, () => {
      version = v;
      body();
    });
  }
}

/** A summarised recording of this boot (its clock compares with ours). */
function writer(o: WriterOptions = {}): RecordingWriter {
  return new RecordingWriter({ formatVersion: version, recordingFlags: RecordingFlag.summarised, foldWindowNs: FOLD, bootId: thisBootId(), ...o });
}

/** Follows the writer's file: `write` puts its current state on disk, `poll(at)` reads it at `at` ns after the start. */
function follow(w: RecordingWriter): { sink: Collect; write: (bytes?: Uint8Array) => void; poll: (at: number) => ReturnType<GsrReader['poll']>; close: () => void } {
  const path = join(tempDir(), w.fileName);
  const sink = new Collect();
  writeFileSync(path, w.bytes());
  const reader = new GsrReader(path, () => sink);
  return {
    sink,
    write: (bytes = w.bytes()) => writeFileSync(path, bytes),
    poll: (at) => reader.poll(w.o.startMonoNs + BigInt(Math.round(at))),
    close: () => reader.close(),
  };
}

const T = RecordType;

bothVersions('a trailing tentative run is held back until a record that is not tentative follows it', () => {
  const w = writer();
  const t = w.thread(1).start(0, 11, true).gilAcquire(ms(1), 0, true);
  t.lockAcquire(ms(2), 5, 0, RecordFlag.tentative).tentativeRelease(ms(2.1));
  const f = follow(w);
  f.poll(ms(2.5));
  assert.deepEqual(f.sink.types(), [T.threadStart, T.gilAcquire], 'the run of two is held back');
  f.poll(ms(2.9));
  assert.deepEqual(f.sink.types(), [T.threadStart, T.gilAcquire], 'still within the fold window of its newest');
  t.gilWait(ms(3));
  f.write();
  f.poll(ms(3.1));
  assert.deepEqual(f.sink.types(), [T.threadStart, T.gilAcquire, T.lockAcquire, T.gilRelease, T.gilWait], 'taken once a firm record follows, in order');
  f.close();
});

bothVersions('retracted records are never taken, and the summaries written in their place are', () => {
  const w = writer();
  const t = w.thread(1).start(0, 11, true).gilAcquire(ms(1), 3, true);
  t.lockAcquire(ms(2), 5, 3, RecordFlag.tentative).tentativeRelease(ms(2.1));
  const f = follow(w);
  f.poll(ms(2.2));
  // The thread takes the GIL back without waiting, then lets the lock go: both folded.
  t.retract();
  f.write();
  f.poll(ms(2.3));
  t.retract();
  f.write();
  assert.doesNotThrow(() => f.poll(ms(2.4)), 'a zeroed slot is the end of the records');
  t.gilQuiet(ms(2.2), 3, 1, ms(0.1), ms(0.1), ms(0.1)).lockQuiet(ms(2.5), 5, 1, ms(0.5), ms(0.5), ms(0.5), 3, 3, [0, 0, 0, 0, 0, 0, 0, 1]).gilRelease(ms(2.6));
  f.write();
  f.poll(ms(2.7));
  assert.deepEqual(f.sink.types(), [T.threadStart, T.gilAcquire, T.gilQuiet, T.lockQuiet, T.gilRelease]);
  f.close();
});

bothVersions('a retracted slot written again with a shorter record: the old payload behind it is not taken for a record, nor corrupt', () => {
  const w = writer();
  const t = w.thread(1).start(0, 11, true).gilAcquire(ms(1), 3, true);
  t.lockAcquire(ms(2), 5, 7, RecordFlag.tentative); // payload's first word: site 7, read as a type byte 7 if taken for a record
  const f = follow(w);
  f.poll(ms(2.1));
  t.retract().tentativeRelease(ms(2.2)); // one slot where two were: the old payload stays in the next slot for now
  f.write();
  assert.doesNotThrow(() => f.poll(ms(2.3)));
  assert.deepEqual(f.sink.types(), [T.threadStart, T.gilAcquire]);
  assert.doesNotThrow(() => f.poll(ms(2.2) + HOLD + ms(1)), 'past the fold window the release is taken; the stale slot after it waits');
  assert.deepEqual(f.sink.types(), [T.threadStart, T.gilAcquire, T.gilRelease]);
  t.gilAcquire(ms(2.2) + HOLD + ms(2), 3); // written over the stale slot
  f.write();
  f.poll(ms(2.2) + HOLD + ms(3));
  assert.deepEqual(f.sink.types(), [T.threadStart, T.gilAcquire, T.gilRelease, T.gilAcquire]);
  f.close();
});

bothVersions('a half-written record (its type byte not yet published) over a retracted slot is read once published', () => {
  const w = writer();
  const t = w.thread(1).start(0, 11, true).gilAcquire(ms(1), 3, true).tentativeRelease(ms(2));
  const f = follow(w);
  f.poll(ms(2.1));
  t.retract().gilWait(ms(2.5));
  const at = t.position.slot - 1; // the slot just written
  const bytes = w.bytes();
  bytes[HEADER_SIZE + 32 + at * places().size] = 0; // everything written but the type byte
  f.write(bytes);
  assert.doesNotThrow(() => f.poll(ms(2.6)));
  assert.deepEqual(f.sink.types(), [T.threadStart, T.gilAcquire]);
  f.write();
  f.poll(ms(2.7));
  assert.deepEqual(f.sink.types(), [T.threadStart, T.gilAcquire, T.gilWait]);
  f.close();
});

bothVersions('a tentative run older than the fold window (and a margin for a preempted writer) by the process clock now is taken (TSC ticks converted by the clock fit)', () => {
  for (const [label, o] of [['monotonic', {}], ['TSC', { clockKind: 1, ticksPerNs: 2.5, startTicks: 2n ** 40n }]] as const) {
    const w = writer(o);
    w.thread(1).start(0, 11, true).gilAcquire(ms(1), 0, true).tentativeRelease(ms(2));
    const f = follow(w);
    f.poll(ms(2) + FOLD * 1.1);
    assert.deepEqual(f.sink.types(), [T.threadStart, T.gilAcquire], `held just past the window: a preempted writer may retract late (${label})`);
    f.poll(ms(2) + HOLD * 0.99);
    assert.deepEqual(f.sink.types(), [T.threadStart, T.gilAcquire], `held within the window and the margin (${label})`);
    f.poll(ms(2) + HOLD * 1.01);
    assert.deepEqual(f.sink.types(), [T.threadStart, T.gilAcquire, T.gilRelease], `taken after it (${label})`);
    f.close();
  }
});

bothVersions('a tentative record taken but retracted after all (a writer preempted past the margin): what it wrote in its slot is read, not lost behind it', () => {
  const w = writer();
  const t = w.thread(1).start(0, 11, true).gilAcquire(ms(1), 3, true).tentativeRelease(ms(2));
  const f = follow(w);
  f.poll(ms(2) + HOLD + ms(1));
  assert.deepEqual(f.sink.types(), [T.threadStart, T.gilAcquire, T.gilRelease], 'taken: old enough');
  // The writer retracts it anyway, and writes a summary (three slots) where it was.
  t.retract().gilQuietSpan(ms(2) + HOLD + ms(2), 3, 1, ms(0.05), ms(2), ms(2.05), ms(0.05)).gilRelease(ms(2) + HOLD + ms(3));
  f.write();
  const reader = f.poll(ms(2) + HOLD + ms(4));
  assert.ok(reader.ended === false);
  assert.deepEqual(f.sink.types(), [T.threadStart, T.gilAcquire, T.gilRelease, T.gilQuiet, T.gilRelease], 'the summary and what follows are read');
  f.close();
});

bothVersions('only the thread\'s last chunk holds back: a newer chunk makes the older one final, its rest taken first', () => {
  const w = writer();
  const t = w.thread(1).start(0, 11, true).gilAcquire(ms(1), 0, true);
  let now = ms(1);
  // Fill the first chunk so that its last slot is a tentative release.
  while (t.position.slot < places().perChunk - 1) t.rec(T.gilHoldSite, 0, 0, (now += 1000));
  t.tentativeRelease((now += 1000));
  assert.equal(t.position.slot, places().perChunk, 'the first chunk is full');
  const f = follow(w);
  f.poll(now);
  const taken = f.sink.types().length;
  assert.equal(f.sink.types()[taken - 1], T.gilHoldSite, 'the tail waits');
  t.gilWait(now + 1000).gilAcquire(now + 2000, 0);
  assert.equal(t.position.chunk, 1, 'the next records open the thread\'s second chunk');
  f.write();
  f.poll(now + 2000);
  assert.deepEqual(f.sink.seen.slice(taken).map((r) => r.type), [T.gilRelease, T.gilWait, T.gilAcquire]);
  const ts = f.sink.seen.map((r) => r.ts);
  assert.deepEqual(ts, [...ts].sort((a, b) => a - b), 'in time order');
  f.close();
});

bothVersions('the process ended, stopped at the size cap, or is of another boot: everything is taken at once', () => {
  const cases: [string, (w: RecordingWriter) => void, WriterOptions][] = [
    ['ended', (w) => w.end(1, 0, ms(3)), {}],
    ['capped', (w) => w.cap(ms(2.5)), {}],
    ['another boot', () => {}, { bootId: 'another-boot' }],
    ['full log kept (nothing retracted)', () => {}, { recordingFlags: RecordingFlag.summarised | RecordingFlag.fullLogKept }],
    ['not summarised', () => {}, { recordingFlags: 0 }],
  ];
  for (const [what, finish, o] of cases) {
    const w = writer(o);
    w.thread(1).start(0, 11, true).gilAcquire(ms(1), 0, true).tentativeRelease(ms(2));
    finish(w);
    const f = follow(w);
    f.poll(ms(2.1));
    assert.deepEqual(f.sink.types(), [T.threadStart, T.gilAcquire, T.gilRelease], what);
    f.close();
  }
});

bothVersions('a finished file of a retracting writer: the old payload left behind its thread\'s last record ends the chunk, nothing else is lost', () => {
  const w = writer();
  const t = w.thread(1).start(0, 11, true).gilAcquire(ms(1), 3, true);
  t.lockAcquire(ms(2), 5, 7, RecordFlag.tentative);
  t.retract().end(ms(3)); // THREAD_END over the retracted acquire: its payload stays behind it
  w.end(1, 0, ms(4));
  const path = join(tempDir(), w.fileName);
  writeFileSync(path, w.bytes());
  const sink = new Collect();
  const r = new GsrReader(path, () => sink);
  assert.doesNotThrow(() => r.poll());
  assert.deepEqual(sink.types(), [T.threadStart, T.gilAcquire, T.threadEnd]);
  r.close();
});

bothVersions('a finished file whose writer does not retract: a record that cannot be right is corrupt, as in version 1', () => {
  const w = writer({ recordingFlags: 0 });
  w.thread(1).start(0, 11, true).gilAcquire(ms(1), 0, true);
  w.end(1, 0, ms(2));
  const bytes = w.bytes();
  bytes[HEADER_SIZE + 32] = bytes[HEADER_SIZE + 32]! & 0x7f; // the first record in the long form (version 3; a no-op before)…
  bytes[HEADER_SIZE + 32 + 1] = 255; // …whose extra runs past its chunk
  const path = join(tempDir(), w.fileName);
  writeFileSync(path, bytes);
  const r = new GsrReader(path, () => new Collect());
  assert.throws(() => r.poll(), /runs past its chunk/);
  r.close();
});
