// `npm run pythons`: makes sure the interpreters the tests use are on this machine and lists them.
// Plain Node 20, no dependencies.
//
//   stdout   one line per interpreter, `TAG ABSOLUTE-PATH`:
//              3.8 ... 3.13   pyenv's (the newest of each minor; installed by pyenv, not here)
//              debian-3.11    Debian's /usr/bin/python3
//              3.14, 3.15     CPython from Debian sid's binary packages, with numpy, Cython,
//                             dask, distributed, pytest (sid) and joblib 1.6 (local pip index)
//              3.13t          free-threaded CPython 3.13 built from Debian's python3.13 source
//   stderr   progress (one line per step, with its time) and notes
//   <cache>/pythons.json  the same list as JSON, [{ tag, executable, freeThreaded }], for the tests
//
// The last three are installed into a per-user cache outside the clone (layout and rules:
// scripts/pythons/cache.mjs). Once there they cost a stat each: no apt, no network. Versions
// are read from the archive, never pinned; when it cannot be reached the cached ones are used.
// Installing may add `patchelf` and the -dev packages of the 3.13t build to the system (apt).
//
// Options:
//   --check            only report: install nothing; exit 2 when something is missing
//   --only TAG[,TAG]   only these interpreters (e.g. --only 3.14,3.13t)
//   --refresh          ask the archive even when cached, and build its newer versions
//
// Exit: 0 all present; 2 something is missing (archive unreachable, nothing cached, --check);
// 1 a build failed. A missing interpreter is named in one line on stderr with what to do.
// GILSCOPE_PYTHONS_CACHE moves the cache; GILSCOPE_DEBIAN_MIRROR overrides the machine's mirror.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { takeBuildLock } from './pythons/buildLock.mjs';
import { cacheLayout } from './pythons/cache.mjs';
import { buildFreeThreaded, cachedFreeThreaded } from './pythons/freeThreadedPython.mjs';
import { PYENV_MINORS, debianPython, pyenvPythons } from './pythons/hostPythons.mjs';
import { PythonsError, note } from './pythons/progress.mjs';
import { SidArchive } from './pythons/sidArchive.mjs';
import { SID_MINORS, buildSidPython, cachedSidPython } from './pythons/sidPython.mjs';

/** The interpreters this script installs, in the order it builds them (the quick ones first). */
const INSTALLED_TAGS = [...SID_MINORS, '3.13t'];
const HOST_TAGS = [...PYENV_MINORS, 'debian-3.11'];

function usage(problem) {
  return new PythonsError(`${problem} (usage: node scripts/pythons.mjs [--check] [--only TAG[,TAG]] [--refresh]; tags: ${[...HOST_TAGS, ...INSTALLED_TAGS].join(' ')})`, 2);
}

function parseArgs(argv) {
  const options = { check: false, refresh: false, only: undefined };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--check') options.check = true;
    else if (arg === '--refresh') options.refresh = true;
    else if (arg === '--only' || arg.startsWith('--only=')) {
      const value = arg === '--only' ? argv[++i] : arg.slice('--only='.length);
      if (!value) throw usage('--only needs a tag');
      options.only = new Set(value.split(',').map((t) => t.trim()).filter(Boolean));
      const unknown = [...options.only].filter((t) => !HOST_TAGS.includes(t) && !INSTALLED_TAGS.includes(t) && !/^debian-/.test(t));
      if (unknown.length) throw usage(`unknown tag ${unknown.join(', ')}`);
    } else throw usage(`unknown argument ${arg}`);
  }
  return options;
}

function cachedInterpreter(pythonDir, tag) {
  const found = tag === '3.13t' ? cachedFreeThreaded(pythonDir) : cachedSidPython(pythonDir, tag);
  return found && { tag, executable: found.executable, freeThreaded: tag === '3.13t' };
}

/** Every interpreter present now, in the order listed: pyenv's, Debian's, then the cached ones. */
function presentInterpreters(pythonDir) {
  const debian = debianPython();
  return [
    ...pyenvPythons(),
    ...(debian ? [debian] : []),
    ...INSTALLED_TAGS.map((tag) => cachedInterpreter(pythonDir, tag)).filter(Boolean),
  ];
}

/** Builds each of `tags`; returns the PythonsErrors of those that could not be, by tag. */
async function install(layout, tags, refresh) {
  await takeBuildLock(layout.lock);
  const archive = new SidArchive(layout.aptState);
  const failures = new Map();
  for (const tag of tags) {
    const cached = cachedInterpreter(layout.python, tag);
    // another run may have built it while we waited for the lock
    if (cached && !refresh) continue;
    try {
      if (tag === '3.13t') await buildFreeThreaded(layout.python, archive);
      else await buildSidPython(layout.python, archive, tag);
    } catch (error) {
      if (!(error instanceof PythonsError)) throw error;
      if (cached) note(`${tag}: keeping the cached ${cached.executable}: ${error.message}`);
      else failures.set(tag, error);
    }
  }
  return failures;
}

/** Written only when it changes, and renamed into place: tests may be reading it. */
function writeList(path, interpreters) {
  const text = `${JSON.stringify(interpreters, null, 2)}\n`;
  if (existsSync(path) && readFileSync(path, 'utf8') === text) return;
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, path);
}

/** One line for everything missing: what, why, and what to do. */
function missingLine(missing, failures, check) {
  if (check) return `missing ${missing.join(', ')}: not installed; run 'npm run pythons' to install ${missing.length > 1 ? 'them' : 'it'}`;
  const reasons = new Map();
  for (const tag of missing) {
    const reason = failures.get(tag)?.message ?? (INSTALLED_TAGS.includes(tag) ? 'not built' : `not on this machine${/^3\.\d+$/.test(tag) ? ` (pyenv install ${tag})` : ''}`);
    reasons.set(reason, [...(reasons.get(reason) ?? []), tag]);
  }
  const parts = [...reasons].map(([reason, tags]) => `${tags.join(', ')}: ${reason}`);
  const unreachable = [...failures.values()].some((e) => e.exitCode === 2);
  return `missing ${parts.join('; ')}${unreachable ? "; run 'npm run pythons' again once the archive can be reached" : ''}`;
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const layout = cacheLayout();
  const wanted = (tag) => !options.only || options.only.has(tag);
  const toInstall = INSTALLED_TAGS.filter(wanted);

  let failures = new Map();
  const absent = toInstall.filter((tag) => !cachedInterpreter(layout.python, tag));
  if (!options.check && (absent.length > 0 || options.refresh)) {
    failures = await install(layout, options.refresh ? toInstall : absent, options.refresh);
  }

  const present = presentInterpreters(layout.python);
  if (!options.check) writeList(layout.list, present);
  const shown = present.filter((p) => wanted(p.tag));
  for (const p of shown) process.stdout.write(`${p.tag} ${p.executable}\n`);

  // pyenv's and Debian's are not ours to install: a missing one is a note, unless asked for by --only
  const shownTags = new Set(shown.map((p) => p.tag));
  const missing = [...toInstall, ...(options.only ? [...options.only].filter((t) => !INSTALLED_TAGS.includes(t)) : [])].filter((t) => !shownTags.has(t));
  if (!options.only) {
    const absentHost = PYENV_MINORS.filter((t) => !shownTags.has(t));
    if (absentHost.length) note(`no pyenv CPython ${absentHost.join(', ')} (tests that need one are skipped; pyenv install ${absentHost[0]})`);
  }
  if (missing.length > 0) {
    note(missingLine(missing, failures, options.check));
    const buildFailed = missing.some((t) => failures.get(t)?.exitCode === 1);
    process.exitCode = buildFailed ? 1 : 2;
  }
}

main().catch((error) => {
  if (error instanceof PythonsError) {
    note(error.message);
    process.exitCode = error.exitCode;
  } else {
    process.stderr.write(`pythons: scripts/pythons.mjs crashed: ${error?.stack ?? error}\n`);
    process.exitCode = 1;
  }
});
