import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';
import { repoRoot } from '../support/repoRoot';
import { FALLBACK_RESULTS } from './protocol';

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
}

/** The test workspace: the Python workloads, which suites open and profile. */
const WORKSPACE_SOURCE = 'test/workloads';

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
  };
  mkdirSync(join(folders.userDataDir, 'User'), { recursive: true });
  mkdirSync(folders.extensionsDir, { recursive: true });
  cpSync(join(repoRoot, WORKSPACE_SOURCE), folders.workspace, { recursive: true, filter: (path) => !path.includes('__pycache__') });
  writeFileSync(join(folders.userDataDir, 'User/settings.json'), `${JSON.stringify(userSettings(), null, 2)}\n`);
  rmSync(folders.artifacts, { recursive: true, force: true });
  mkdirSync(folders.artifacts, { recursive: true });
  return folders;
}

/** The temp folder goes; test-results/ stays for a person to look at. */
export function removeRunFolders(folders: RunFolders): void {
  rmSync(folders.temp, { recursive: true, force: true });
}

/** User settings of every test editor: no prompts, no network, nothing opened by itself. */
function userSettings(): Record<string, unknown> {
  const python = spawnSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8', timeout: 10_000 });
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
    ...(python.status === 0 ? { 'python.defaultInterpreterPath': python.stdout.trim() } : {}),
  };
}

/**
 * Skips `t` with `reason` — or fails it, when GILSCOPE_REQUIRE_INTEGRATION=1 says this machine
 * must run the integration tests (so that CI cannot pass by skipping them).
 */
export function skipOrFail(t: TestContext, reason: string): void {
  if (process.env.GILSCOPE_REQUIRE_INTEGRATION === '1') throw new Error(`${reason} (and GILSCOPE_REQUIRE_INTEGRATION=1)`);
  t.skip(reason);
}
