import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { CodeAction } from 'vscode-languageserver-protocol';
import { recordWithRuntime, TEST_PYTHON } from '../../support/recordWorkload';
import { repoRoot } from '../../support/repoRoot';

export interface Run {
  readonly stdout: string;
  readonly stderr: string;
  readonly status: number | null;
}

/** Runs a Python file to its end with the test interpreter, in the file's folder. */
export function runPython(path: string, args: readonly string[] = []): Run {
  const r = spawnSync(TEST_PYTHON, [path, ...args], {
    cwd: join(path, '..'),
    encoding: 'utf8',
    timeout: 120_000,
    env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1', GILSCOPE_TRUTH: '' },
  });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

/**
 * Runs a Python file as `__main__` with multiprocessing's `spawn` start
 * method, under which a process pool's workers import the main module again:
 * code that is not under `if __name__ == "__main__":` runs in each of them.
 */
export function runPythonSpawned(path: string): Run {
  const script = 'import multiprocessing, runpy, sys; multiprocessing.set_start_method("spawn"); sys.argv = [sys.argv[1]]; runpy.run_path(sys.argv[0], run_name="__main__")';
  const r = spawnSync(TEST_PYTHON, ['-c', script, path], { cwd: join(path, '..'), encoding: 'utf8', timeout: 120_000, env: { ...process.env, PYTHONDONTWRITEBYTECODE: '1' } });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

const copies: string[] = [];

/**
 * A copy of test/server/fixtures/NAME (or any file) in a fresh temporary folder, with the
 * workloads' shared helper module beside it when the source has one; removeCopies() deletes them.
 */
export function copyFixture(source: string): string {
  const from = source.includes('/') ? source : join(repoRoot, 'test/server/fixtures', source);
  const dir = mkdtempSync(join(tmpdir(), 'gilscope-server-'));
  copies.push(dir);
  const to = join(dir, basename(from));
  copyFileSync(from, to);
  const helper = join(dirname(from), '_machine.py');
  if (existsSync(helper)) copyFileSync(helper, join(dir, '_machine.py'));
  return to;
}

/** Applies a code action's WorkspaceEdit to the file on disk; returns the new text. */
export function applyAction(path: string, uri: string, action: CodeAction): string {
  const edits = action.edit?.changes?.[uri];
  if (!edits || edits.length === 0) throw new Error(`the action "${action.title}" has no edit for ${uri}`);
  const before = readFileSync(path, 'utf8');
  const after = TextDocument.applyEdits(TextDocument.create(uri, 'python', 1, before), edits);
  writeFileSync(path, after);
  return after;
}

export function removeCopies(): void {
  for (const dir of copies.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/** Records a fixture with the exact runtime (`python -m gilscope.run --no-fallback`); resolves to the recording directory. */
export async function recordFixture(name: string): Promise<string> {
  const script = join(repoRoot, 'test/server/fixtures', name);
  const dir = join(mkdtempSync(join(tmpdir(), 'gilscope-server-rec-')), `${name}.gilscope`);
  copies.push(join(dir, '..'));
  await recordWithRuntime(TEST_PYTHON, dir, script, []);
  return dir;
}
