// The differential stress harness at scale (issue 17): random programs that mix Python and
// C-started threads, locks, queues, pools, subprocesses, signals, os._exit, exceptions and
// daemon threads at exit, sub-interpreters and GIL-releasing C calls, each run bare and
// recorded by both launchers on every interpreter `npm run pythons` lists; `npm test` runs 50
// a interpreter (test/stress/stress.test.ts), this 1,000.
//
//   node bench/stress.mjs [--programs 1000] [--pythons 3.8,3.13t,...] [--seed-base N]
//                         [--concurrency 3] [--timeout 60] [--keep]
//   node bench/stress.mjs --seed N [--pythons TAG]   one program again, with all it printed
//   node bench/stress.mjs --seed N --print           the program's source
//
// Needs `node build.mjs` (dist/cli.js). The generator, the runs and the comparisons are in
// test/support/stress/ (bench.ts is the entry), built here with esbuild into a temporary folder
// (`node build.mjs` empties out/ and may run meanwhile). Exit status 1 when anything was found.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'gilscope-bench-'));
const script = join(dir, 'stressBench.js');
try {
  await esbuild.build({
    absWorkingDir: root, entryPoints: ['test/support/stress/bench.ts'], outfile: script,
    bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning', external: ['vscode'],
    // test/support/repoRoot.ts finds the repository above __dirname: the bundle's own folder is elsewhere
    define: { __dirname: JSON.stringify(join(root, 'test/support/stress')) },
  });
  const r = spawnSync(process.execPath, [script, ...process.argv.slice(2)], { stdio: 'inherit', cwd: root });
  process.exitCode = r.status ?? 1;
} finally {
  rmSync(dir, { recursive: true, force: true });
}
