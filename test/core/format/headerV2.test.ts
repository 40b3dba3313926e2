import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseHeader } from '../../../src/core/format/header';
import { Header, RecordingFlag } from '../../../src/core/format/layout';
import { RecordingError } from '../../../src/core/format/recordingError';
import { RecordingWriter } from '../../support/recordingWriter';

/** The header page of version 2 (runtime/FORMAT.md, "Header page") beside version 1's. */

const argv = ['python3', 'work.py', '--n', '3'];

function header(w: RecordingWriter) {
  return parseHeader(w.headerPage(), w.fileName);
}

test('version 2: host, boot id, recording flags, fold window, attach, cap, CPUs, summary window, and argv at 1024', () => {
  const w = new RecordingWriter({
    formatVersion: 2, argv, host: 'build-7', bootId: '3f1c0a8e-5a5b-4f59-9d0c-1b2c3d4e5f60',
    recordingFlags: RecordingFlag.summarised, foldWindowNs: 2_000_000, attachNs: 5e8, capBytes: 100e6,
    onlineCpus: 16, summaryWindowNs: 1_000_000,
  }).cap(7e8);
  const h = header(w);
  assert.equal(h.formatVersion, 2);
  assert.deepEqual(h.argv, argv);
  assert.equal(h.host, 'build-7');
  assert.equal(h.bootId, '3f1c0a8e-5a5b-4f59-9d0c-1b2c3d4e5f60');
  assert.equal(h.live.recordingFlags, RecordingFlag.summarised | RecordingFlag.attached | RecordingFlag.capped);
  assert.equal(h.foldWindowNs, 2_000_000);
  assert.equal(h.attachMonoNs, h.startMonoNs + 500_000_000n);
  assert.equal(h.capBytes, 100e6);
  assert.equal(h.live.cappedMonoNs, h.startMonoNs + 700_000_000n);
  assert.equal(h.live.cappedTicks, h.startTicks + 700_000_000n);
  assert.equal(h.onlineCpus, 16);
  assert.equal(h.summaryWindowNs, 1_000_000);
});

test('version 1: argv at 512, and the bytes at 520-1031 (argv there) are not read as version 2 fields', () => {
  const long = ['python3', '-c', 'x'.repeat(300), 'GILSCOPE-host-like-text'];
  const w = new RecordingWriter({ formatVersion: 1, argv: long });
  const page = w.headerPage();
  assert.equal(new DataView(page.buffer).getUint32(512, true), long.length, 'argc where version 1 keeps it');
  const h = parseHeader(page, w.fileName);
  assert.deepEqual(h.argv, long);
  assert.equal(h.host, '');
  assert.equal(h.bootId, '');
  assert.equal(h.live.recordingFlags, 0);
  assert.equal(h.foldWindowNs, 0);
  assert.equal(h.capBytes, 0);
  assert.equal(h.onlineCpus, 0);
  assert.equal(h.live.cappedTicks, 0n);
});

test('version 2 reads argv only from 1024: what a version 1 writer would have put at 512 is ignored', () => {
  const w = new RecordingWriter({ formatVersion: 2, argv });
  const page = w.headerPage();
  const v = new DataView(page.buffer);
  v.setUint32(512, 99, true); // a stray value where version 1 kept argc
  assert.deepEqual(parseHeader(page, w.fileName).argv, argv);
  assert.equal(v.getUint32(Header.argc, true), argv.length);
});

test('version 4 and later are refused with the message to update gilscope', () => {
  for (const formatVersion of [4, 7]) {
    const w = new RecordingWriter({ formatVersion });
    assert.throws(() => header(w), (e: unknown) => e instanceof RecordingError && e.kind === 'newerVersion' && /update gilscope/.test(e.message));
  }
});
