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
import { readFileSync } from 'node:fs';
import { RecordingSession } from '../src/core/analysis/recordingSession';
import { readInSlices } from '../src/core/analysis/slicedReading';
import type { RecordingAnalysis } from '../src/core/analysis/recordingSession';
import { buildReport } from '../src/core/report/buildReport';
import { overviewHeatmaps } from '../src/core/report/heatmapMessage';
import { writeTurnsRecording } from '../test/support/turnsRecording';

function generate(dir: string, minutes: number, threads: number, formatVersion: number): void {
  process.stdout.write(`${JSON.stringify(writeTurnsRecording(dir, minutes, threads, formatVersion))}\n`);
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
  const end = performance.now();
  s.close();
  await new Promise((resolve) => setTimeout(resolve, 5)); // the timer's turn after the last step
  clearInterval(timer);
  process.stdout.write(`${JSON.stringify({ openSeconds: (end - t0) / 1e3, longestPauseMs: longest, partials, finalMs: end - f0 })}\n`);
}

const [mode, dir, a1, a2, a3] = process.argv.slice(2);
if (mode === 'generate' && dir) generate(dir, Number(a1 ?? 10), Number(a2 ?? 64), Number(a3 ?? 3));
else if (mode === 'measure' && dir) measure(dir);
else if (mode === 'open' && dir) void open(dir);
else {
  process.stderr.write('usage: decodeBench.js generate DIR [minutes] [threads] | measure DIR | open DIR\n');
  process.exitCode = 2;
}
