// `npm run demo`: builds, records test/workloads/lock_convoy.py with the CLI, and writes
// an HTML report to demo/report.html. Python: $PYTHON, else python3 on PATH.
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const python = process.env.PYTHON || 'python3';

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

step(['build.mjs']);
for (const [command, what] of [['record', 'the recorder'], ['report', 'the report']]) {
  if (!cliHas(command)) {
    console.error(`demo: ${what} isn't built yet (dist/cli.js has no '${command}' command)`);
    process.exit(1);
  }
}
// demo/ is this script's own output: each run records afresh.
rmSync(`${root}/demo/recording`, { recursive: true, force: true });
mkdirSync(`${root}/demo`, { recursive: true });
step(['dist/cli.js', 'record', '-o', 'demo/recording', '--', python, 'test/workloads/lock_convoy.py']);
step(['dist/cli.js', 'report', 'demo/recording', '--html', 'demo/report.html']);
console.log('demo: wrote demo/report.html');
