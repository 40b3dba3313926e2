#!/usr/bin/env node
// A compiler for tests that build the probe several times from the same sources, as ccache
// would be: `CC="node cachingCompiler.mjs CACHE_DIR"`. The first command of a kind runs gcc;
// a later one with the same arguments (the output path aside) copies what gcc made then to
// its output path, as gcc would have written it. The caller (gilscope/_build.py) does what it
// always does around the compiler: builds in a fresh folder, sets the mode, writes the
// checksum, installs it in the cache. Plain Node, no dependencies.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const [cacheDir, ...args] = process.argv.slice(2);
const o = args.indexOf('-o');
if (!cacheDir || o < 0 || o + 1 >= args.length) {
  console.error('cachingCompiler: usage: cachingCompiler.mjs CACHE_DIR ARGS... -o OUTPUT ARGS...');
  process.exit(2);
}
const output = args[o + 1];
const rest = [...args.slice(0, o), ...args.slice(o + 2)];
// The arguments and the files they name (sources, headers' folders aside): a changed source is a miss.
const key = createHash('sha256');
for (const a of rest) {
  key.update(`${a}\0`);
  if (a.endsWith('.c') && existsSync(a)) key.update(readFileSync(a));
}
const cached = join(cacheDir, `${key.digest('hex').slice(0, 24)}.so`);
if (existsSync(cached)) {
  copyFileSync(cached, output);
  process.exit(0);
}
const gcc = spawnSync('gcc', args, { stdio: 'inherit' });
if (gcc.error) {
  console.error(`cachingCompiler: gcc: ${gcc.error.message}`);
  process.exit(127);
}
if (gcc.status === 0) {
  mkdirSync(cacheDir, { recursive: true });
  copyFileSync(output, cached);
}
process.exit(gcc.status ?? 1);
