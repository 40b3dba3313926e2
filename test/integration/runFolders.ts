import { spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../support/repoRoot';
import { type ExpectedPython, FALLBACK_RESULTS } from './protocol';

/**
 * The folders of one editor run: a fresh temp folder each time (user data, extensions, a copy
 * of the test workspace, the results file), and test-results/integration/LABEL/ in the repo for
 * what a person looks at afterwards (screenshots, logs), emptied at the start of the run.
 */
export interface RunFolders {
  readonly temp: string;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  readonly workspace: string;
  /** Where the suite is told to write its results. */
  readonly results: string;
  /** Where the suite writes them if the environment variable did not reach it. */
  readonly fallbackResults: string;
  /** test-results/integration/LABEL/ */
  readonly artifacts: string;
  /** The interpreter set as `gilscope.pythonPath` (python3 on PATH), or undefined when there is none. */
  readonly python: ExpectedPython | undefined;
}

/**
 * The test workspace: fixtures/workspace/ (the workloads made for these suites: one that never
 * ends, one that floods its output), and copies of the example workloads the suites profile,
 * taken from test/workloads/ at each run so that they never drift from the originals.
 */
const WORKSPACE_FIXTURE = 'test/integration/fixtures/workspace';
const WORKLOAD_COPIES = ['lock_convoy.py', 'cpu_threads.py', 'crash_segv.py', '_machine.py'];

export function createRunFolders(label: string): RunFolders {
  const temp = mkdtempSync(join(tmpdir(), `gilscope-itest-${label}-`));
  const folders: RunFolders = {
    temp,
    userDataDir: join(temp, 'user-data'),
    extensionsDir: join(temp, 'extensions'),
    workspace: join(temp, 'workspace'),
    results: join(temp, 'results.json'),
    fallbackResults: join(temp, 'workspace', FALLBACK_RESULTS),
    artifacts: join(repoRoot, 'test-results/integration', label),
    python: testPython(),
  };
  mkdirSync(join(folders.userDataDir, 'User'), { recursive: true });
  mkdirSync(folders.extensionsDir, { recursive: true });
  cpSync(join(repoRoot, WORKSPACE_FIXTURE), folders.workspace, { recursive: true, filter: (path) => !path.includes('__pycache__') });
  for (const name of WORKLOAD_COPIES) copyFileSync(join(repoRoot, 'test/workloads', name), join(folders.workspace, name));
  writeFileSync(join(folders.userDataDir, 'User/settings.json'), `${JSON.stringify(userSettings(folders.python), null, 2)}\n`);
  // A window connected to a remote (code-server's is) reads machine-scoped settings only from the
  // remote's own file: gilscope.pythonPath and python.defaultInterpreterPath go there too.
  mkdirSync(join(folders.userDataDir, 'Machine'), { recursive: true });
  writeFileSync(join(folders.userDataDir, 'Machine/settings.json'), `${JSON.stringify(machineSettings(folders.python), null, 2)}\n`);
  rmSync(folders.artifacts, { recursive: true, force: true });
  mkdirSync(folders.artifacts, { recursive: true });
  return folders;
}

/** The temp folder goes; test-results/ stays for a person to look at. */
export function removeRunFolders(folders: RunFolders): void {
  rmSync(folders.temp, { recursive: true, force: true });
}

/** python3 on PATH, resolved (a pyenv shim becomes the interpreter it runs), or undefined. */
function testPython(): ExpectedPython | undefined {
  const script = 'import json, platform, sys; print(json.dumps({"executable": sys.executable, "version": platform.python_version()}))';
  const python = spawnSync('python3', ['-c', script], { encoding: 'utf8', timeout: 10_000 });
  if (python.status !== 0) return undefined;
  try {
    return JSON.parse(python.stdout) as ExpectedPython;
  } catch {
    return undefined;
  }
}

/**
 * User settings of every test editor: no prompts, no network, nothing opened by itself, workspace
 * trust off (profiling runs the workspace's code), and python3 on PATH as the interpreter both for
 * the Python extension (when there is one) and for gilscope (`gilscope.pythonPath`, used when the
 * Python extension names none, as in these editors, which install no other extension).
 */
function userSettings(python: ExpectedPython | undefined): Record<string, unknown> {
  return {
    'security.workspace.trust.enabled': false,
    'workbench.startupEditor': 'none',
    'workbench.tips.enabled': false,
    'workbench.enableExperiments': false,
    'telemetry.telemetryLevel': 'off',
    'update.mode': 'none',
    'extensions.autoCheckUpdates': false,
    'extensions.autoUpdate': false,
    'chat.disableAIFeatures': true,
    'workbench.secondarySideBar.defaultVisibility': 'hidden',
    'git.enabled': false,
    ...machineSettings(python),
  };
}

function machineSettings(python: ExpectedPython | undefined): Record<string, unknown> {
  return python ? { 'python.defaultInterpreterPath': python.executable, 'gilscope.pythonPath': python.executable } : {};
}
