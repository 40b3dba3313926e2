import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { FileOutput, RecordingWriter } from './recordingWriter';

/**
 * A long recording of many threads, written straight to a file as the runtime writes one
 * (format version 3 by default): `threads` take turns at the GIL for `minutes`, and every so
 * often block on a lock. 4 minutes of 64 threads is 13.2 M records, 110 MiB. For the decode
 * benchmark (bench/decodeBench.ts) and for opening a large recording in VS Code (the
 * integration suite).
 */
export function writeTurnsRecording(dir: string, minutes: number, threads: number, formatVersion = 3): { records: number; file: string } {
  mkdirSync(dir, { recursive: true });
  const probe = new RecordingWriter({ clockKind: 1, ticksPerNs: 2.9, startTicks: 2n ** 55n });
  const output = new FileOutput(join(dir, probe.fileName));
  const w = new RecordingWriter({ clockKind: 1, ticksPerNs: 2.9, startTicks: 2n ** 55n, output, formatVersion });
  const ts = Array.from({ length: threads }, (_, i) => w.thread(i + 1));
  const main = ts[0]!;
  main.string(1, 'bench.py').string(2, 'work').string(3, 'the_lock');
  for (let s = 1; s <= 50; s++) main.site(0, s, 1, 2, 10 + s, 10);
  main.lockNew(0, 1, 1, 3, 3);
  ts.forEach((t, i) => t.start(i * 1000, 1000 + i, i === 0));
  const end = minutes * 60e9;
  // The GIL goes round the threads; each holds ~60 µs, others wait or do I/O.
  // Every 8th release hands the GIL over (GIL_HANDOFF); every 16th turn blocks
  // on the lock as the runtime writes it: GIL_RELEASE + LOCK_WAIT, and at the
  // thread's next turn GIL_WAIT, GIL_ACQUIRE, then LOCK_ACQUIRE (contended)
  // stamped when the lock was obtained, before the GIL_ACQUIRE.
  const hold = 60_000;
  const cycle = hold * threads;
  const blocked = new Array<boolean>(threads).fill(false);
  let records = 0;
  let n = 0;
  for (let t0 = 1e6; t0 + cycle < end; t0 += cycle) {
    for (let i = 0; i < threads; i++) {
      const t = ts[i]!;
      const a = t0 + i * hold;
      const site = 1 + ((n + i) % 50);
      t.gilWait(a - 30_000).gilAcquire(a, site);
      records += 2;
      if (blocked[i]) {
        t.lockAcquire(a - 30_000, 1, site, 1).lockRelease(a + 20_000, 1);
        records += 2;
        blocked[i] = false;
      }
      t.gilRelease(a + hold - 1000);
      records++;
      if ((n + i) % 8 === 3) {
        t.gilHandoff(a + hold - 500);
        records++;
      }
      if ((n + i) % 16 === 0) {
        t.lockWait(a + hold - 1000, 1, 0, site, 0, 1);
        records++;
        blocked[i] = true;
      }
    }
    n++;
  }
  ts.forEach((t) => t.end(end));
  w.end(1, 0, end);
  w.finish();
  output.close();
  return { records, file: w.fileName };
}
