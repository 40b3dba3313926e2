// Where scripts/pythons.mjs keeps what it installs: a per-user cache outside any clone, shared
// by every clone and worktree on the machine. The layout is a contract others use directly:
//
//   <cache>/apt-sid/                   private apt state for Debian's sid and its sources
//   <cache>/python/<debver>/           3.14 / 3.15 from sid binaries, e.g. python/3.14.10-1/usr/bin/python3.14
//   <cache>/python/<debver>.debs/      the .deb files it was made from (sid drops old versions)
//   <cache>/python/<X.Y.Z>t/           free-threaded build from source, e.g. python/3.13.15t/bin/python3.13t
//   <cache>/python/<X.Y.Z>t.src/       the Debian source files it was built from
//   <cache>/python/.lock               held (flock) while anything is built
//   <cache>/pythons.json               the list `npm run pythons` prints, for the tests
//
// A folder counts only once its `.complete` marker exists (written last); one without it is a
// build that died and is deleted and redone. Prefixes embed their absolute path (loader,
// RPATH, --prefix), so they are built at the path they are used from.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** `${GILSCOPE_PYTHONS_CACHE:-${XDG_CACHE_HOME:-~/.cache}/gilscope}`; test/support/pythons.ts repeats this rule. */
export function cacheRoot(env = process.env) {
  if (env.GILSCOPE_PYTHONS_CACHE) return env.GILSCOPE_PYTHONS_CACHE;
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'gilscope');
}

export function cacheLayout(root = cacheRoot()) {
  const python = join(root, 'python');
  return {
    root,
    aptState: join(root, 'apt-sid'),
    python,
    lock: join(python, '.lock'),
    list: join(root, 'pythons.json'),
  };
}

export const COMPLETE = '.complete';

export function isComplete(dir) {
  return existsSync(join(dir, COMPLETE));
}

/**
 * The complete cached folder under `pythonDir` whose name `matches`, newest version first
 * (several exist once the archive has moved on); undefined when there is none.
 */
export function newestComplete(pythonDir, matches) {
  if (!existsSync(pythonDir)) return undefined;
  const names = readdirSync(pythonDir).filter((name) => matches(name) && isComplete(join(pythonDir, name)));
  names.sort((a, b) => compareDebianVersions(b.replace(/t$/, ''), a.replace(/t$/, '')));
  return names[0];
}

/** Debian's own ordering of versions (3.14.9-1 < 3.14.10-1 < 3.14.10-2), as dpkg says. */
export function compareDebianVersions(a, b) {
  if (a === b) return 0;
  const greater = spawnSync('dpkg', ['--compare-versions', a, 'gt', b]).status === 0;
  return greater ? 1 : -1;
}

/** 3.13.15-1 -> 3.13.15, 1:3.13.5-2+deb13u5 -> 3.13.5: the upstream part of a Debian version. */
export function upstreamVersion(debianVersion) {
  return debianVersion.replace(/^\d+:/, '').replace(/-[^-]*$/, '');
}
