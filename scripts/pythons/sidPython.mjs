// CPython 3.14 and 3.15 from Debian sid's binary packages, made to run on Debian 12 without
// touching the system: the packages are extracted into a private prefix and the interpreter
// is pointed at sid's own loader and libraries (sid's Python needs glibc 2.42+; bookworm has
// 2.36). numpy, Cython, dask, distributed, pytest and their dependencies come from sid too
// (no registry reachable here has cp314/cp315 wheels of numpy or Cython); joblib 1.6 from
// the local pip index. The measured recipe and the reason for each patch:
// shared/docs/modern-python.md, section 2.
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { COMPLETE, isComplete, newestComplete } from './cache.mjs';
import { PATCHELF, ensureHostPackages } from './hostPackages.mjs';
import { PythonsError, lastLine, note, run, runOrFail, step } from './progress.mjs';

export const SID_MINORS = ['3.14', '3.15'];

/** The interpreter, its stdlib and headers, ensurepip's wheel, and every library its executable and lib-dynload need. */
function interpreterPackages(minor) {
  return [
    `python${minor}-minimal`, `libpython${minor}-minimal`, `libpython${minor}-stdlib`, `libpython${minor}-dev`,
    `python${minor}-venv`, 'python3-pip-whl',
    // sid's glibc and loader; libgcc_s for 3.15 itself and for glibc's thread cancellation
    'libc6', 'libgcc-s1',
    'libssl3t64', 'libexpat1', 'zlib1g', 'libzstd1', 'libffi8', 'libsqlite3-0', 'libbz2-1.0', 'liblzma5',
    'libncursesw6', 'libtinfo6', 'libreadline8t64', 'libuuid1',
    ...(minor === '3.14' ? ['libdb5.3t64'] : []), // _dbm; 3.15 has none
  ];
}

/** numpy, Cython, dask, distributed and pytest with what they import; sid builds each for 3.14 and 3.15. */
const THIRD_PARTY_PACKAGES = [
  'python3-numpy', 'python3-numpy-dev', 'libblas3', 'liblapack3', 'libstdc++6', 'libgfortran5',
  'python3-yaml', 'libyaml-0-2', 'cython3',
  'python3-click', 'python3-cloudpickle', 'python3-dask', 'python3-distributed', 'python3-fsspec',
  'python3-iniconfig', 'python3-jinja2', 'python3-locket', 'python3-markupsafe', 'python3-msgpack',
  'python3-packaging', 'python3-partd', 'python3-pluggy', 'python3-psutil', 'python3-pygments',
  'python3-pytest', 'python3-sortedcontainers', 'python3-tblib', 'python3-toolz', 'python3-tornado',
  'python3-urllib3', 'python3-zict',
];

/** sysconfig variables that hold a literal /usr path; WHEEL_PKG_DIR matters most (ensurepip would take the host's old pip). */
const SYSCONFIG_PATH_VARS =
  'BINDIR|BINLIBDEST|CONFINCLUDEDIR|CONFINCLUDEPY|DESTLIB|DESTSHARED|EXENAME|INCLUDEDIR|INCLUDEPY|LIBDEST|LIBDIR|LIBPC|LIBPL|MACHDESTLIB|SCRIPTDIR|WHEEL_PKG_DIR|datarootdir';

const ARCH_LIBS = 'usr/lib/x86_64-linux-gnu';

/**
 * What .complete vouches for: the stdlib's C modules all import, the third-party packages do,
 * joblib is 1.6+, sys.remote_exec exists, and no shared library of the process comes from
 * outside the prefix (a missing sid library is silent: the loader falls back to the host's).
 */
const VERIFY = `
import importlib, os, sys
prefix = os.path.dirname(sys.prefix)
dynload = os.path.join(sys.prefix, 'lib', 'python%d.%d' % sys.version_info[:2], 'lib-dynload')
for name in sorted(os.listdir(dynload)):
    importlib.import_module(name.split('.')[0])
import numpy, Cython, yaml, dask, dask.array, distributed, joblib, pytest
assert tuple(int(p) for p in joblib.__version__.split('.')[:2]) >= (1, 6), 'joblib ' + joblib.__version__
assert hasattr(sys, 'remote_exec'), 'no sys.remote_exec'
numpy.linalg.inv(numpy.eye(3) * 2)
maps = [line.split()[-1] for line in open('/proc/self/maps') if len(line.split()) >= 6]
outside = sorted({p for p in maps if p.startswith('/') and '.so' in p and not p.startswith(prefix + '/')})
assert not outside, 'libraries from outside the prefix: ' + ', '.join(outside)
print(sys.version.split()[0])
`;

/** A complete sid prefix of `minor` in the cache, newest first; undefined when there is none. */
export function cachedSidPython(pythonDir, minor) {
  const pattern = new RegExp(`^${minor.replace('.', '\\.')}\\.\\d[^/]*-[^/]+$`);
  const name = newestComplete(pythonDir, (n) => pattern.test(n) && !/\.(debs|partial|src)$/.test(n));
  return name && sidInterpreter(pythonDir, minor, name);
}

function sidInterpreter(pythonDir, minor, debianVersion) {
  const prefix = join(pythonDir, debianVersion);
  return { tag: minor, debianVersion, prefix, executable: join(prefix, 'usr/bin', `python${minor}`) };
}

/** Makes the prefix of sid's current `minor` (e.g. <cache>/python/3.14.10-1) unless it is complete already. */
export async function buildSidPython(pythonDir, archive, minor) {
  const debianVersion = await archive.binaryVersion(`python${minor}-minimal`);
  const python = sidInterpreter(pythonDir, minor, debianVersion);
  if (isComplete(python.prefix)) return python;
  const label = `${minor} (sid ${debianVersion})`;
  await ensureHostPackages(PATCHELF, `CPython ${minor} from sid`);

  const debs = `${python.prefix}.debs`;
  if (!isComplete(debs)) {
    rmSync(debs, { recursive: true, force: true });
    const pkgs = [...interpreterPackages(minor), ...THIRD_PARTY_PACKAGES];
    await step(`${label}: download ${pkgs.length} packages into ${debs}`, () => archive.download(pkgs, debs));
    writeFileSync(join(debs, COMPLETE), '');
  }

  // Extracted and patched for the final path while still at <prefix>.partial, then renamed.
  const partial = `${python.prefix}.partial`;
  rmSync(partial, { recursive: true, force: true });
  rmSync(python.prefix, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  const files = readdirSync(debs).filter((f) => f.endsWith('.deb'));
  await step(`${label}: extract ${files.length} packages`, async () => {
    for (const file of files) await runOrFail(`dpkg-deb -x ${file}`, 'dpkg-deb', ['-x', join(debs, file), partial]);
  });
  await step(`${label}: patch the interpreter for ${python.prefix}`, () => patchPrefix(partial, python.prefix, minor));
  renameSync(partial, python.prefix);

  const lib = join(python.prefix, 'usr/lib');
  await step(`${label}: compile the stdlib and dist-packages to bytecode`, async () => {
    // Debian ships no .pyc (its postinst makes them); without them every start recompiles where
    // PYTHONDONTWRITEBYTECODE is set. A few test-data files do not compile: not an error.
    await run(python.executable, ['-m', 'compileall', '-q', '-j2', join(lib, `python${minor}`), join(lib, 'python3/dist-packages')]);
  });
  await step(`${label}: pip install 'joblib>=1.6' (sid's 1.5.3 breaks on 3.15)`, () => installJoblib(python, minor));
  const version = await step(`${label}: check the stdlib, numpy, dask, distributed, joblib and the libraries loaded`, async () => {
    const result = await run(python.executable, ['-c', VERIFY]);
    if (result.code !== 0) throw new PythonsError(`${python.executable} fails its check: ${lastLine(result.stderr) || `exit ${result.code}`}`);
    return result.stdout.trim();
  });
  writeFileSync(join(python.prefix, COMPLETE), `${version}\n`);
  note(`${minor}: ${python.executable} (${version}) ready`);
  return python;
}

/** The patches of section 2: sid's loader and libraries, headers, sysconfig paths, sitecustomize, the BLAS/LAPACK links. */
async function patchPrefix(partial, finalPrefix, minor) {
  const libs = join(finalPrefix, ARCH_LIBS);
  // DT_RPATH (not RUNPATH) also covers what is dlopen'ed later: all of lib-dynload, ctypes' libraries
  await runOrFail('patchelf', 'patchelf', [
    '--set-interpreter', join(libs, 'ld-linux-x86-64.so.2'),
    '--force-rpath', '--set-rpath', libs,
    join(partial, 'usr/bin', `python${minor}`),
  ]);
  // Debian's include/pythonX.Y/pyconfig.h only includes <x86_64-linux-gnu/pythonX.Y/pyconfig.h>, which is not on the host
  const pyconfig = join(partial, 'usr/include', `python${minor}`, 'pyconfig.h');
  rmSync(pyconfig, { force: true });
  writeFileSync(pyconfig, readFileSync(join(partial, 'usr/include/x86_64-linux-gnu', `python${minor}`, 'pyconfig.h')));

  const sysconfigData = join(partial, 'usr/lib', `python${minor}`, '_sysconfigdata__linux_x86_64-linux-gnu.py');
  const pattern = new RegExp(`^(    '(?:${SYSCONFIG_PATH_VARS})': ')/usr`, 'gm');
  writeFileSync(sysconfigData, readFileSync(sysconfigData, 'utf8').replace(pattern, `$1${finalPrefix}/usr`));

  // an absolute link to /etc/pythonX.Y/sitecustomize.py, dangling on the host
  relink(join(partial, 'usr/lib', `python${minor}`, 'sitecustomize.py'), `../../../etc/python${minor}/sitecustomize.py`);
  // made by update-alternatives when the packages are installed for real
  relink(join(partial, ARCH_LIBS, 'libblas.so.3'), 'blas/libblas.so.3');
  relink(join(partial, ARCH_LIBS, 'liblapack.so.3'), 'lapack/liblapack.so.3');
}

function relink(path, target) {
  rmSync(path, { force: true });
  mkdirSync(dirname(path), { recursive: true });
  symlinkSync(target, path);
}

/**
 * joblib 1.6 from the local pip index into <prefix>/usr/local/lib/pythonX.Y/dist-packages,
 * which is searched before sid's usr/lib/python3/dist-packages (joblib 1.5.3). pip runs from
 * sid's own pip wheel; the prefix is EXTERNALLY-MANAGED, hence --target.
 */
async function installJoblib(python, minor) {
  const wheels = join(python.prefix, 'usr/share/python-wheels');
  const pipWheel = existsSync(wheels) ? readdirSync(wheels).find((f) => /^pip-.*\.whl$/.test(f)) : undefined;
  if (!pipWheel) throw new PythonsError(`no pip wheel in ${wheels} (sid's python3-pip-whl)`);
  const target = join(python.prefix, 'usr/local/lib', `python${minor}`, 'dist-packages');
  // --retries 0: pip also asks the public index, which does not resolve here, 5 times by default
  await runOrFail(`pip install joblib into ${target}`, python.executable, [
    join(wheels, pipWheel, 'pip'), 'install', '--retries', '0', '--quiet', '--no-deps', '--only-binary=:all:',
    '--target', target, 'joblib>=1.6',
  ]);
  await run(python.executable, ['-m', 'compileall', '-q', target]);
}

