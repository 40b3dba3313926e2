// The few packages scripts/pythons.mjs installs on the machine itself, from its normal apt
// sources (bookworm): `patchelf` to make sid's interpreters run, and the -dev headers the
// free-threaded 3.13t build links against. Each is installed only when dpkg says it is missing.
import { PythonsError, lastLine, run, step } from './progress.mjs';

export const PATCHELF = ['patchelf'];

/** What CPython's configure needs for every stdlib module to build ("0 missing, 0 failed on import"). */
export const CPYTHON_BUILD_DEPS = [
  'libssl-dev', 'libffi-dev', 'zlib1g-dev', 'libsqlite3-dev', 'libbz2-dev', 'liblzma-dev', 'libreadline-dev',
  'libncurses-dev', 'uuid-dev', 'libgdbm-dev', 'libgdbm-compat-dev', 'pkgconf',
];

/** The packages of `names` that dpkg does not have installed. */
export async function missingHostPackages(names) {
  // exits 1 when some name is unknown to dpkg; the known ones are still listed
  const { stdout } = await run('dpkg-query', ['-W', '-f=${Package} ${db:Status-Status}\n', ...names]);
  const installed = new Set(
    stdout
      .split('\n')
      .map((line) => line.split(' '))
      .filter(([, status]) => status === 'installed')
      .map(([name]) => name.replace(/:.*$/, '')),
  );
  return names.filter((name) => !installed.has(name));
}

/** Installs whichever of `names` are missing, system-wide; `why` names what needs them. */
export async function ensureHostPackages(names, why) {
  const missing = await missingHostPackages(names);
  if (missing.length === 0) return;
  const command = `apt-get install -y --no-install-recommends ${missing.join(' ')}`;
  if (process.getuid?.() !== 0) {
    throw new PythonsError(`${why} needs ${missing.join(', ')} installed: run 'sudo ${command}', then 'npm run pythons' again`, 2);
  }
  await step(`apt-get install ${missing.join(' ')} (for ${why})`, async () => {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const args = ['install', '-y', '-qq', '--no-install-recommends', ...missing];
    let result = await run('apt-get', args, { env });
    if (result.code !== 0) {
      // the machine's package lists may be missing or out of date
      await run('apt-get', ['update', '-qq'], { env });
      result = await run('apt-get', args, { env });
    }
    if (result.code !== 0) throw new PythonsError(`'${command}' failed: ${lastLine(result.tail)}`, 2);
  });
}
