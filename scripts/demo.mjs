// `npm run demo`: builds, records test/workloads/lock_convoy.py with the CLI (whose summary leads with
// the ranked suggestions and ends on the first one, "Try first", with its predicted speedup), and writes
// an HTML report to demo/report.html. Python: $PYTHON, else python3 on PATH.
//   --no-build   use the build that is there (the tests run the demo so)
//   --out DIR    write the recording and the report to DIR instead of demo/
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const root = fileURLToPath(new URL('..', import.meta.url));
const python = process.env.PYTHON || 'python3';
const { values } = parseArgs({ options: { 'no-build': { type: 'boolean' }, out: { type: 'string' } } });
const out = values.out ? resolve(values.out) : join(root, 'demo');

function run(args, options = {}) {
  return spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit', ...options });
}

/** Runs `node <args>` and stops the demo with its exit code if it fails. */
function step(args) {
  const result = run(args);
  if (result.status !== 0) process.exit(result.status || 1);
}

/** True when the built CLI has `name` (it answers `gilscope <name> --help`). */
function cliHas(name) {
  return run(['dist/cli.js', name, '--help'], { stdio: 'ignore' }).status === 0;
}

if (!values['no-build']) step(['build.mjs']);
for (const [command, what] of [['record', 'the recorder'], ['report', 'the report']]) {
  if (!cliHas(command)) {
    console.error(`demo: ${what} isn't built yet (dist/cli.js has no '${command}' command)`);
    process.exit(1);
  }
}
// The output folder is this script's own: each run records afresh.
const recording = join(out, 'recording');
const html = join(out, 'report.html');
rmSync(recording, { recursive: true, force: true });
mkdirSync(out, { recursive: true });
step(['dist/cli.js', 'record', '-o', recording, '--', python, 'test/workloads/lock_convoy.py']);
step(['dist/cli.js', 'report', recording, '--html', html]);
console.log(`demo: wrote ${html.startsWith(root) ? relative(root, html) : html}; the suggestion to try first, with its predicted speedup, is above ("Try first")`);
