/**
 * Benchmark of the decoder and analysis (built and driven by bench/decode.mjs).
 *   node out/bench/decodeBench.js generate DIR [minutes] [threads] [format version]
 *   node out/bench/decodeBench.js measure DIR
 *   node out/bench/decodeBench.js open DIR
 * `measure` prints one JSON line: records, decode+aggregate seconds, report
 * seconds, heatmap query times and the process's peak RSS (VmHWM), after the report (what
 * `gilscope report` takes) and after the heatmap queries too (what the report page's zooming adds).
 * `open` reads the recording as VS Code opens it (core/analysis/slicedReading.ts, a report and its
 * overview heatmaps at each partial reading and at the end) and prints how long that took and the
 * longest the thread was held at a time, as a 1 ms timer sees it.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RecordingSession } from '../src/core/analysis/recordingSession';
import { readInSlices } from '../src/core/analysis/slicedReading';
import type { RecordingAnalysis } from '../src/core/analysis/recordingSession';
import { buildReport } from '../src/core/report/buildReport';
import { overviewHeatmaps } from '../src/core/report/heatmapMessage';
import { FileOutput, RecordingWriter } from '../test/support/recordingWriter';

function generate(dir: string, minutes: number, threads: number, formatVersion: number): void {
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
  process.stdout.write(`${JSON.stringify({ records, file: w.fileName })}\n`);
}

function vmHwmBytes(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) * 1024 : process.memoryUsage().rss;
}

function measure(dir: string): void {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const s = new RecordingSession(dir);
  s.poll();
  const decoded = performance.now();
  const cpu = process.cpuUsage(c0);
  const a = s.result();
  const report = buildReport(a);
  JSON.stringify(report);
  const reported = performance.now();
  const reportPeak = vmHwmBytes();
  s.close();
  const queries: number[] = [];
  for (let i = 0; i < 20; i++) {
    const span = a.wallSeconds / 2 ** (i % 10);
    const start = (a.wallSeconds - span) * ((i * 0.37) % 1);
    const q0 = performance.now();
    a.heatmap.query({ startSeconds: start, endSeconds: start + span, width: 1600 });
    queries.push(performance.now() - q0);
  }
  process.stdout.write(
    `${JSON.stringify({
      records: a.records,
      decodeSeconds: (decoded - t0) / 1e3,
      decodeCpuSeconds: (cpu.user + cpu.system) / 1e6,
      reportSeconds: (reported - decoded) / 1e3,
      heatmapMs: queries,
      peakRssBytes: vmHwmBytes(),
      reportPeakRssBytes: reportPeak,
      threads: a.processes.reduce((k, p) => k + p.threads.length, 0),
    })}\n`,
  );
}

/** What the editor does with an analysis it shows: the report and its overview heatmaps. */
function show(a: RecordingAnalysis): void {
  JSON.stringify(buildReport(a));
  overviewHeatmaps(a);
}

async function open(dir: string): Promise<void> {
  const t0 = performance.now();
  let longest = 0;
  let last = t0;
  const timer = setInterval(() => {
    const now = performance.now();
    longest = Math.max(longest, now - last);
    last = now;
  }, 1);
  const s = new RecordingSession(dir);
  let partials = 0;
  await readInSlices(s, { progress: () => undefined, partial: (a) => (partials++, show(a)), cancelled: () => false });
  const f0 = performance.now();
  show(s.result());
  const finalMs = performance.now() - f0;
  s.close();
  await new Promise((resolve) => setTimeout(resolve, 5)); // the timer's turn after the last step
  clearInterval(timer);
  process.stdout.write(`${JSON.stringify({ openSeconds: (f0 - t0) / 1e3 + finalMs / 1e3, longestPauseMs: longest, partials, finalMs })}\n`);
}

const [mode, dir, a1, a2, a3] = process.argv.slice(2);
if (mode === 'generate' && dir) generate(dir, Number(a1 ?? 10), Number(a2 ?? 64), Number(a3 ?? 3));
else if (mode === 'measure' && dir) measure(dir);
else if (mode === 'open' && dir) void open(dir);
else {
  process.stderr.write('usage: decodeBench.js generate DIR [minutes] [threads] | measure DIR | open DIR\n');
  process.exitCode = 2;
}
