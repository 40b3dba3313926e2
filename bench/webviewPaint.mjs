// Report page paint benchmark: `node bench/webviewPaint.mjs [--minutes M] [--threads N] [--repeats R] [--keep] [--no-build]`.
// Writes the synthetic recording bench/decodeBench.ts writes (default: 10 minutes, 64
// threads), analyses it, and in headless Chromium (/usr/bin/chromium) shows it on the
// report page (dist/webview/report.js, built by `node build.mjs` first) R times:
//   first paint   `report/show` received → first frame with everything drawn (target ≤ 300 ms),
//                 and message posted → that frame;
//   redraw        each pan or zoom by keyboard: compose, colour and draw both heatmaps (target ≤ 16 ms);
// printing min / median / max, measured in the page with performance.now() (Performance API).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
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
    repeats: { type: 'string', default: '5' },
    keep: { type: 'boolean', default: false },
    'no-build': { type: 'boolean', default: false },
  },
});

if (!values['no-build']) {
  const b = spawnSync(process.execPath, [join(root, 'build.mjs')], { cwd: root, stdio: 'inherit' });
  if (b.status !== 0) process.exit(b.status ?? 1);
}
const out = (name) => join(root, 'out/bench', `${name}.js`);
for (const name of ['decodeBench', 'webviewPaintBench']) {
  await esbuild.build({
    absWorkingDir: root, entryPoints: [`bench/${name}.ts`], outfile: out(name),
    bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning', external: ['playwright-core'],
  });
}

function run(script, args) {
  const r = spawnSync(process.execPath, [script, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`${script} ${args[0]} failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

const stat = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { min: s[0], median: s[Math.floor(s.length / 2)], p95: s[Math.min(s.length - 1, Math.floor(s.length * 0.95))], max: s[s.length - 1] };
};
const ms = (o) => `min ${o.min.toFixed(1)}  median ${o.median.toFixed(1)}  p95 ${o.p95.toFixed(1)}  max ${o.max.toFixed(1)} ms`;

const dir = mkdtempSync(join(tmpdir(), 'gilscope-paint-'));
try {
  const g0 = performance.now();
  const gen = run(out('decodeBench'), ['generate', dir, values.minutes, values.threads]);
  console.log(`generated ${gen.records.toLocaleString('en')} records (${values.threads} threads, ${values.minutes} min) in ${((performance.now() - g0) / 1e3).toFixed(1)} s`);
  const r = run(out('webviewPaintBench'), [dir, values.repeats]);
  console.log(`analysed ${r.records.toLocaleString('en')} records in ${(r.analyseMs / 1e3).toFixed(1)} s; report/show is ${(r.messageBytes / 2 ** 20).toFixed(2)} MiB, built in ${r.messageMs.toFixed(0)} ms; ${r.browser}`);
  const fp = stat(r.firstPaintMs);
  const rd = stat(r.redrawMs);
  console.log(`first paint (report/show received → painted), ${r.firstPaintMs.length} loads: ${ms(fp)}   target ≤ 300 ms: ${fp.median <= 300 ? 'met' : 'MISSED'}`);
  console.log(`first paint (posted → painted):                  ${ms(stat(r.postToPaintMs))}`);
  const over = r.redrawMs.filter((x) => x > 16).length;
  console.log(`pan/zoom redraw, ${r.redrawMs.length} steps (${r.threads} threads):      ${ms(rd)}   target ≤ 16 ms: ${over === 0 ? 'met' : `${over} step(s) over`}`);
  console.log(`host's answer to heatmap/request (${r.answerMs.length}):              ${ms(stat(r.answerMs))}`);
} finally {
  if (!values.keep) rmSync(dir, { recursive: true, force: true });
  else console.log(`kept ${dir}`);
}
