// Decoder + analysis benchmark: `node bench/decode.mjs [--minutes M] [--threads N] [--repeats R] [--format V] [--open] [--keep]`.
// Builds bench/decodeBench.ts with esbuild (apart from the product build), writes a
// synthetic recording with the test writer (default: 10 minutes, 64 threads, tens of
// millions of records, in the format the runtime writes, version 3; --format 2 for the
// 16-byte slots of version 2), then measures decode+aggregate, the report and heatmap queries
// in a fresh process per repeat (so peak RSS is that of the analysis alone) and prints
// min / median / max; decode+aggregate also per CPU second, which a busy machine
// disturbs less than wall time. --open also reads it as VS Code opens a recording (a
// slice at a time, with partial reports) and prints the longest the thread was held.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as esbuild from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const { values } = parseArgs({
  options: {
    minutes: { type: 'string', default: '10' },
    threads: { type: 'string', default: '64' },
    repeats: { type: 'string', default: '3' },
    format: { type: 'string', default: '3' },
    keep: { type: 'boolean', default: false },
    open: { type: 'boolean', default: false },
  },
});
// Built into the run's own temporary directory: `node build.mjs` empties out/ and may run meanwhile.
const dir = mkdtempSync(join(tmpdir(), 'gilscope-bench-'));
const script = join(dir, 'decodeBench.js');
await esbuild.build({
  absWorkingDir: root, entryPoints: ['bench/decodeBench.ts'], outfile: script,
  bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning',
});

function run(args) {
  const r = spawnSync(process.execPath, [script, ...args], { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (r.status !== 0) throw new Error(`decodeBench ${args[0]} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

try {
  const g0 = performance.now();
  const data = join(dir, 'data');
  const gen = run(['generate', data, values.minutes, values.threads, values.format]);
  const size = statSync(join(data, gen.file)).size;
  console.log(`generated ${gen.records.toLocaleString('en')} records, ${(size / 2 ** 20).toFixed(0)} MiB (format version ${values.format}), ${values.threads} threads, ${values.minutes} min in ${((performance.now() - g0) / 1e3).toFixed(1)} s`);
  const runs = Array.from({ length: Number(values.repeats) }, () => run(['measure', data]));
  const stat = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    return { min: s[0], median: s[Math.floor(s.length / 2)], max: s[s.length - 1] };
  };
  const fmt = (o, f) => `min ${f(o.min)}  median ${f(o.median)}  max ${f(o.max)}`;
  const rate = stat(runs.map((r) => r.records / r.decodeSeconds));
  console.log(`decode+aggregate: ${fmt(rate, (x) => `${(x / 1e6).toFixed(1)} M records/s`)}`);
  // CPU time is what the code costs; wall time also counts a busy machine's other processes.
  const cpuRate = stat(runs.map((r) => r.records / r.decodeCpuSeconds));
  console.log(`decode+aggregate per CPU second: ${fmt(cpuRate, (x) => `${(x / 1e6).toFixed(1)} M records/s`)}`);
  console.log(`decode+aggregate: ${fmt(stat(runs.map((r) => r.decodeSeconds)), (x) => `${x.toFixed(2)} s`)}`);
  console.log(`report (snapshot + JSON): ${fmt(stat(runs.map((r) => r.reportSeconds)), (x) => `${(x * 1e3).toFixed(0)} ms`)}`);
  console.log(`heatmap at a new zoom (${runs[0].threads} threads x 1600 cells): ${fmt(stat(runs.flatMap((r) => r.heatmapMs)), (x) => `${x.toFixed(1)} ms`)}`);
  const mib = (x) => `${(x / 2 ** 20).toFixed(0)} MiB`;
  console.log(`peak RSS to the report: ${fmt(stat(runs.map((r) => r.reportPeakRssBytes)), mib)}`);
  console.log(`peak RSS with the heatmap queries: ${fmt(stat(runs.map((r) => r.peakRssBytes)), mib)}`);
  if (values.open) {
    const opens = Array.from({ length: Number(values.repeats) }, () => run(['open', data]));
    // Read at once, the thread is held for the decode and the report together.
    const atOnce = stat(runs.map((r) => (r.decodeSeconds + r.reportSeconds) * 1e3));
    console.log(`opened as VS Code does (in slices): ${fmt(stat(opens.map((o) => o.openSeconds)), (x) => `${x.toFixed(2)} s`)}; ${opens.map((o) => o.partials).join('/')} partial reports`);
    console.log(`longest hold of the thread, in slices: ${fmt(stat(opens.map((o) => o.longestPauseMs)), (x) => `${x.toFixed(0)} ms`)} (the last step: ${fmt(stat(opens.map((o) => o.finalMs)), (x) => `${x.toFixed(0)} ms`)}); read at once: ${fmt(atOnce, (x) => `${x.toFixed(0)} ms`)}`);
  }
} finally {
  if (!values.keep) rmSync(dir, { recursive: true, force: true });
  else console.log(`kept ${dir}`);
}
