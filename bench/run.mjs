// `npm run bench`: runs the runtime benchmarks one after the other and prints one table.
//
//   node bench/run.mjs [gilCost] [wallOverhead] [lockCost] [pyspy] [loss] [startup] [diskRate]
//                      [manyChildren] [cpythonTests] [--quick] [--no-build]
//
// With no names, all of them run (about 25 minutes on the 2-core dev VM; each one's
// default run is kept under ~2 minutes, except cpythonTests: CPython's own thread
// tests, bare and recorded, on two interpreters, about 10 minutes). --quick passes small repeat counts (a smoke
// run, not figures to quote). The build (`node build.mjs`, for dist/cli.js that the
// pyspy benchmark's gilscope report uses) runs first unless --no-build.
// Each benchmark prints its details as it goes and its rows last (BENCH-ROWS ...); the
// table at the end gathers them: workload, interpreter, measure, min / median / max
// over the repeats, n (repeats), the target and whether the median (for loss: every
// run) meets it. bench/decode.mjs (decoder speed) is separate: `node bench/decode.mjs`.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { root, printTable } from './lib.mjs';

const all = ['gilCost', 'wallOverhead', 'lockCost', 'pyspy', 'loss', 'startup', 'diskRate', 'manyChildren', 'cpythonTests'];
const quickArgs = {
  gilCost: ['--repeats', '3'],
  wallOverhead: ['--repeats', '2'],
  lockCost: ['--repeats', '2', '--pythons', '3.11'],
  pyspy: ['--repeats', '1'],
  loss: ['--repeats', '1', '--pythons', '3.11'],
  startup: ['--repeats', '5', '--pythons', '3.11'],
  diskRate: ['--repeats', '1', '--pythons', '3.11', '--seconds', '1'],
  manyChildren: ['--repeats', '1', '--pythons', '3.11', '--children', '10'],
  cpythonTests: ['--pythons', '3.11.7', '--tests', 'test_thread'],
};
const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const names = argv.filter((a) => !a.startsWith('--'));
for (const n of names) if (!all.includes(n)) throw new Error(`unknown benchmark ${n}; known: ${all.join(', ')}`);
const selected = names.length ? all.filter((n) => names.includes(n)) : all;

if (!argv.includes('--no-build')) {
  const b = spawnSync(process.execPath, [join(root, 'build.mjs')], { cwd: root, stdio: 'inherit' });
  if (b.status !== 0) process.exit(b.status ?? 1);
}

function runOne(name) {
  return new Promise((resolve) => {
    const args = [join(root, 'bench', `${name}.mjs`), ...(quick ? quickArgs[name] : [])];
    const child = spawn(process.execPath, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let rows = [];
    let pending = '';
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (chunk) => {
      pending += chunk;
      let i;
      while ((i = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, i);
        pending = pending.slice(i + 1);
        if (line.startsWith('BENCH-ROWS ')) rows = JSON.parse(line.slice('BENCH-ROWS '.length));
        else if (!line.startsWith('| ')) process.stdout.write(`  ${line}\n`); // its own table is repeated at the end
      }
    });
    child.on('close', (code) => resolve({ code, rows }));
  });
}

const rows = [];
const failed = [];
for (const name of selected) {
  const t0 = process.hrtime.bigint();
  console.log(`\n== ${name}`);
  const { code, rows: got } = await runOne(name);
  console.log(`== ${name}: ${code === 0 ? 'done' : `FAILED (exit ${code})`} in ${(Number(process.hrtime.bigint() - t0) / 1e9).toFixed(0)} s`);
  if (code !== 0) failed.push(name);
  rows.push(...got);
}
console.log('');
printTable(rows, { withBench: true });
if (failed.length) {
  console.log(`\nfailed: ${failed.join(', ')}`);
  process.exit(1);
}
