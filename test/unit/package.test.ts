import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../support/repoRoot';
import { zipEntryNames } from '../support/zipListing';

/**
 * Packages the extension from the build that `npm test` just made (the `package` script
 * does the same after its own build) and checks the .vsix holds only what .vscodeignore allows.
 */

const ALLOWED = [
  /^\[Content_Types\]\.xml$/,
  /^extension\.vsixmanifest$/,
  /^extension\/(dist|media)\/./,
  /^extension\/runtime\/(python|csrc)\/./,
  /^extension\/package\.json$/,
  /^extension\/readme\.md$/i,
  /^extension\/license(\.txt)?$/i,
];

const REQUIRED = [
  'extension/package.json',
  'extension/dist/extension.js',
  'extension/dist/server.js',
  'extension/dist/tree-sitter.wasm',
  'extension/dist/tree-sitter-python.wasm',
  'extension/dist/cli.js',
  'extension/dist/webview/report.js',
  'extension/media/icon.png',
  'extension/readme.md',
  'extension/license.txt',
];

test('the .vsix holds only the allowlisted files, and the built entry points', { timeout: 120_000 }, (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'gilscope-vsix-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const vsix = join(dir, 'gilscope.vsix');
  const result = spawnSync(process.execPath, [join(repoRoot, 'scripts/packageVsix.mjs'), vsix], {
    cwd: repoRoot,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
    timeout: 110_000,
  });
  assert.equal(result.status, 0, `vsce package failed:\n${result.stdout}\n${result.stderr}`);

  const names = zipEntryNames(readFileSync(vsix)).filter((n) => !n.endsWith('/'));
  const unexpected = names.filter((n) => !ALLOWED.some((pattern) => pattern.test(n)));
  assert.deepEqual(unexpected, [], 'files outside the allowlist');
  assert.deepEqual(names.filter((n) => n.endsWith('.map') || n.includes('__pycache__')), [], 'source maps or bytecode');
  const lowerCase = new Set(names.map((n) => n.toLowerCase())); // vsce may rename README.md and LICENSE
  for (const file of REQUIRED) assert.ok(lowerCase.has(file), `${file} missing from the .vsix`);
});
