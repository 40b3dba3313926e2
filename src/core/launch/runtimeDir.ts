import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The folder that holds the Python runtime (`sitecustomize.py` and the
 * `gilscope` package): `runtime/python` beside `dist/` in the repository and
 * in the packaged extension. Found by walking up from this bundle, so the CLI,
 * the extension and the tests (bundled elsewhere) all find the same one.
 */
export function findRuntimeDir(start: string = __dirname): string {
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, 'runtime', 'python');
    if (existsSync(join(candidate, 'gilscope', '__init__.py'))) return candidate;
    if (dirname(dir) === dir) break;
  }
  throw new Error(`gilscope's Python runtime (runtime/python) was not found above ${start}; reinstall gilscope`);
}
