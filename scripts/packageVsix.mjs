// Writes the .vsix from the current build: `node scripts/packageVsix.mjs OUT.vsix`.
// The one place the packaging options live; `npm run package` and the tests that check
// what ships both call it, so what is tested is what ships.
//   --no-dependencies            everything is bundled into dist/ by esbuild
//   --allow-missing-repository   there is no public repository URL to name
//   --no-rewrite-relative-links  the README's links point into the repository, as on GitHub
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const out = process.argv[2] ?? 'gilscope.vsix';
const vsce = fileURLToPath(new URL('../node_modules/@vscode/vsce/vsce', import.meta.url));
const result = spawnSync(
  process.execPath,
  [vsce, 'package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '-o', out],
  { cwd: root, stdio: 'inherit' },
);
process.exit(result.status ?? 1);
