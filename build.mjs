// The one build: the packaged extension and the tests come out of the same esbuild run.
//
//   dist/extension.js   extension host (cjs, node, `vscode` external)   src/extension/main.ts
//   dist/server.js      language server over stdio                      src/server/main.ts
//   dist/*.wasm         tree-sitter's runtime and Python grammar, loaded by the server
//                       (src/server/python/parser.ts), copied from node_modules
//   dist/cli.js         `gilscope` command line (executable)            src/cli/main.ts
//   dist/webview/*.js   browser bundles (iife), one per top-level       webview/*.ts
//                       webview/*.ts; helpers live in subfolders
//   out/test/**.test.js every test/**/*.test.ts, same relative path      test/**/*.test.ts
//                       (test/extension/**: `vscode` is the honest mock test/extension/mock/vscode.ts)
//   out/integration/suite/index.js   the integration suites, run inside   test/integration/suite/index.ts
//                       VS Code (`vscode` external), with every test/integration/suite/**/*.itest.ts
//
// Usage: node build.mjs [--watch]
import { chmodSync, copyFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = fileURLToPath(new URL('.', import.meta.url));
const watch = process.argv.includes('--watch');

/** Files under `dir` (relative to the repo root, '/'-separated) whose name passes `keep`. */
function filesUnder(dir, keep, recursive) {
  const entries = readdirSync(join(root, dir), { withFileTypes: true, recursive });
  return entries
    .filter((e) => e.isFile() && keep(e.name))
    .map((e) => relative(root, join(e.parentPath ?? e.path, e.name)).split(sep).join('/'))
    .sort();
}

const common = {
  absWorkingDir: root,
  bundle: true,
  sourcemap: true,
  logLevel: 'warning',
};

const node = {
  ...common,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  external: ['vscode'],
  // web-tree-sitter's ES module finds itself through import.meta.url, which a CommonJS
  // bundle does not have; its CommonJS build uses __dirname (and our locateFile).
  alias: { 'web-tree-sitter': './node_modules/web-tree-sitter/tree-sitter.cjs' },
};

/** WebAssembly the server loads at run time: copied next to dist/server.js (and so into the .vsix). */
const wasmFiles = [
  ['node_modules/web-tree-sitter/tree-sitter.wasm', 'dist/tree-sitter.wasm'],
  ['node_modules/tree-sitter-python/tree-sitter-python.wasm', 'dist/tree-sitter-python.wasm'],
];

const testEntries = filesUnder('test', (n) => n.endsWith('.test.ts'), true);
/** The extension host's own logic, tested in plain Node against a mock `vscode`. */
const isHostTest = (path) => path.startsWith('test/extension/');
const testEntry = (path) => ({ in: path, out: path.replace(/\.ts$/, '') });
const webviewEntries = filesUnder('webview', (n) => n.endsWith('.ts') && !n.endsWith('.d.ts'), false);
const itestEntries = filesUnder('test/integration/suite', (n) => n.endsWith('.itest.ts'), true);

/** The virtual module `itest:all` (see test/integration/suite/itestFiles.d.ts): every suite file. */
const itestFiles = {
  name: 'itest-files',
  setup(build) {
    build.onResolve({ filter: /^itest:all$/ }, () => ({ path: 'itest:all', namespace: 'itest' }));
    build.onLoad({ filter: /.*/, namespace: 'itest' }, () => ({
      resolveDir: root,
      loader: 'js',
      contents: `export const suiteFiles = [\n${itestEntries
        .map((path) => `  { name: ${JSON.stringify(path.slice('test/integration/suite/'.length))}, load: () => require(${JSON.stringify(`./${path}`)}) },`)
        .join('\n')}\n];\n`,
    }));
  },
};

const builds = [
  { ...node, entryPoints: { extension: 'src/extension/main.ts', server: 'src/server/main.ts' }, outdir: 'dist' },
  { ...node, entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  { ...common, platform: 'browser', format: 'iife', target: 'es2022', entryPoints: webviewEntries, outdir: 'dist/webview' },
  {
    ...node,
    entryPoints: testEntries.filter((path) => !isHostTest(path)).map(testEntry),
    outdir: 'out',
    // Test tools that load files of their own at run time stay in node_modules.
    external: [...node.external, 'playwright-core'],
  },
  {
    ...node,
    entryPoints: testEntries.filter(isHostTest).map(testEntry),
    outdir: 'out',
    external: [],
    alias: { ...node.alias, vscode: './test/extension/mock/vscode.ts' },
  },
  { ...node, entryPoints: ['test/integration/suite/index.ts'], outfile: 'out/integration/suite/index.js', plugins: [itestFiles] },
].filter((b) => !Array.isArray(b.entryPoints) || b.entryPoints.length > 0);

/** Marks dist/cli.js executable after every (re)build. */
const executableCli = {
  name: 'executable-cli',
  setup(build) {
    build.onEnd((result) => {
      if (result.errors.length === 0) chmodSync(join(root, 'dist/cli.js'), 0o755);
    });
  },
};
const withPlugins = builds.map((b) => (b.outfile === 'dist/cli.js' ? { ...b, plugins: [executableCli] } : b));

rmSync(join(root, 'dist'), { recursive: true, force: true });
rmSync(join(root, 'out'), { recursive: true, force: true });
mkdirSync(join(root, 'dist'), { recursive: true });
for (const [from, to] of wasmFiles) copyFileSync(join(root, from), join(root, to));

if (watch) {
  const contexts = await Promise.all(withPlugins.map((b) => esbuild.context(b)));
  await Promise.all(contexts.map((c) => c.watch()));
  console.log('build: watching for changes');
} else {
  const started = Date.now();
  const results = await Promise.allSettled(withPlugins.map((b) => esbuild.build(b)));
  const failed = results.filter((r) => r.status === 'rejected');
  if (failed.length > 0) {
    // esbuild has already printed the errors (logLevel 'warning').
    console.error(`build: failed (${failed.length} of ${results.length} bundles)`);
    process.exit(1);
  }
  const counts = `${webviewEntries.length} webview page(s), ${testEntries.length} test file(s), ${itestEntries.length} integration suite(s)`;
  console.log(`build: dist/ and out/ ready in ${Date.now() - started} ms (${counts})`);
}
