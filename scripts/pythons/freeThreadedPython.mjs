// A free-threaded CPython 3.13 ("3.13t", no GIL), built from the upstream tarball of Debian's
// python3.13 source package: no free-threaded binary, and no 3.14t/3.15t source, is
// reachable from here (shared/docs/modern-python.md, sections 3 and 5). About 4 minutes
// on 2 cores. It links the host's own libraries (libssl3, libffi8, ...), so the -dev
// packages are needed to build it, not to run it.
import { availableParallelism } from 'node:os';
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { COMPLETE, compareDebianVersions, isComplete, newestComplete, upstreamVersion } from './cache.mjs';
import { CPYTHON_BUILD_DEPS, ensureHostPackages } from './hostPackages.mjs';
import { PythonsError, lastLine, note, run, runOrFail, step } from './progress.mjs';

const SOURCE_PACKAGE = 'python3.13';
const TAG = '3.13t';

/** The stdlib's C modules the -dev packages are for, and the GIL really off. */
const VERIFY = `
import importlib, sys, sysconfig
for name in ('ssl', 'ctypes', 'sqlite3', 'decimal', '_decimal', 'lzma', 'bz2', 'zlib', 'readline', 'curses', 'dbm.gnu', 'dbm.ndbm', '_uuid', 'hashlib'):
    importlib.import_module(name)
assert sysconfig.get_config_var('Py_GIL_DISABLED') == 1, 'not a free-threaded build'
assert not sys._is_gil_enabled(), 'the GIL is enabled'
print(sys.version.split()[0])
`;

/** After pip: what the tests import, still without the GIL (pure Python packages do not re-enable it). */
const VERIFY_PACKAGES = `
import sys, joblib, pytest
assert tuple(int(p) for p in joblib.__version__.split('.')[:2]) >= (1, 6), 'joblib ' + joblib.__version__
assert not sys._is_gil_enabled(), 'importing joblib or pytest enabled the GIL'
`;

/** The complete cached 3.13t (<cache>/python/3.13.Nt), newest first; undefined when there is none. */
export function cachedFreeThreaded(pythonDir) {
  const name = newestComplete(pythonDir, (n) => /^3\.13\.\d+t$/.test(n));
  return name && freeThreadedInterpreter(pythonDir, name.slice(0, -1));
}

function freeThreadedInterpreter(pythonDir, upstream) {
  const prefix = join(pythonDir, `${upstream}t`);
  return { tag: TAG, upstream, prefix, executable: join(prefix, 'bin', 'python3.13t'), freeThreaded: true };
}

/**
 * Builds the newest python3.13 source the archive lets us download (several versions are
 * listed but only some have their files on the archive), unless that one is built already.
 */
export async function buildFreeThreaded(pythonDir, archive) {
  const versions = (await archive.sourceVersions(SOURCE_PACKAGE)).sort((a, b) => compareDebianVersions(b, a));
  if (versions.length === 0) throw new PythonsError(`the archive lists no ${SOURCE_PACKAGE} source (sid, forky, trixie)`, 2);
  const refused = [];
  for (const version of versions) {
    const python = freeThreadedInterpreter(pythonDir, upstreamVersion(version));
    if (isComplete(python.prefix)) return python;
    const src = `${python.prefix}.src`;
    if (!isComplete(src)) {
      rmSync(src, { recursive: true, force: true });
      const got = await step(
        `${TAG}: download source ${SOURCE_PACKAGE} ${version}`,
        () => archive.downloadSource(SOURCE_PACKAGE, version, src),
        (r) => (r.ok ? '' : `not downloadable (${r.why}), trying the next listed version`),
      );
      if (!got.ok) {
        refused.push(`${version} (${got.why})`);
        rmSync(src, { recursive: true, force: true });
        continue;
      }
      writeFileSync(join(src, COMPLETE), '');
    }
    return build(python, src);
  }
  throw new PythonsError(`no listed ${SOURCE_PACKAGE} source downloads: ${refused.join('; ')}`, 2);
}

async function build(python, src) {
  await ensureHostPackages(CPYTHON_BUILD_DEPS, `the free-threaded ${TAG} build`);
  const label = `${TAG} (${python.upstream})`;
  const partial = `${python.prefix}.partial`;
  rmSync(partial, { recursive: true, force: true });
  rmSync(python.prefix, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  const log = join(partial, 'build.log');
  // the host's PYTHONPATH/PYTHONHOME must not reach the build's own Python runs
  const { PYTHONPATH, PYTHONHOME, ...env } = process.env;
  const options = { env, log };

  // the upstream release tarball: a plain upstream layout, none of Debian's patches
  const orig = readdirSync(src).find((f) => /\.orig\.tar\.\w+$/.test(f));
  if (!orig) throw new PythonsError(`no .orig.tar.* in ${src}; delete that folder and run again`);
  await step(`${label}: unpack ${orig}`, () => runOrFail(`tar xf ${orig}`, 'tar', ['xf', join(src, orig), '-C', partial], options));
  const sourceDir = readdirSync(partial).find((f) => f.startsWith('Python-'));
  if (!sourceDir) throw new PythonsError(`${orig} holds no Python-* folder`);
  const cwd = join(partial, sourceDir);

  const jobs = String(Math.max(1, availableParallelism()));
  await step(`${label}: ./configure --disable-gil`, () =>
    runOrFail('./configure', './configure', ['--disable-gil', `--prefix=${python.prefix}`], { ...options, cwd }),
  );
  await step(`${label}: make -j${jobs}`, () => runOrFail(`make -j${jobs}`, 'make', [`-j${jobs}`], { ...options, cwd }));
  // staged under DESTDIR and renamed into place, so the final path never holds half an install
  const root = join(partial, 'root');
  await step(`${label}: make install`, () => runOrFail('make install', 'make', ['install', `DESTDIR=${root}`], { ...options, cwd }));
  const staged = join(root, python.prefix);
  // the regression test suite: 147 MB nobody here runs
  rmSync(join(staged, 'lib/python3.13t/test'), { recursive: true, force: true });
  renameSync(staged, python.prefix);
  rmSync(partial, { recursive: true, force: true });

  const version = await check(python, VERIFY, 'its stdlib or free-threading check');
  await step(`${label}: pip install 'joblib>=1.6' pytest`, () =>
    runOrFail('pip install joblib pytest', python.executable, ['-m', 'pip', 'install', '--retries', '0', '--quiet', 'joblib>=1.6', 'pytest'], { env }),
  );
  await check(python, VERIFY_PACKAGES, 'its joblib/pytest check');
  writeFileSync(join(python.prefix, COMPLETE), `${version}\n`);
  note(`${TAG}: ${python.executable} (${version}, GIL disabled) ready`);
  return python;
}

async function check(python, code, what) {
  const result = await run(python.executable, ['-c', code]);
  if (result.code !== 0) throw new PythonsError(`${python.executable} fails ${what}: ${lastLine(result.stderr) || `exit ${result.code}`}`);
  return result.stdout.trim();
}
