import { randomBytes } from 'node:crypto';
import {
  accessSync, closeSync, constants, fchmodSync, fstatSync, lstatSync, mkdirSync, openSync, readdirSync, readFileSync,
  realpathSync, renameSync, statSync, unlinkSync, writeSync,
} from 'node:fs';
import type { Stats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';

import { osErrorWords } from '../files/osErrorWords';

/**
 * How the Node launchers create files and folders, in one place (the Python
 * runtime's twin is runtime/python/gilscope/safefiles.py; the rules are in
 * runtime/README.md, "Files and the probe cache"):
 *
 * - A recording folder is made here (mkdir 0700, never recursively: the
 *   parent must exist) or is an existing folder that is the user's own, not
 *   a symbolic link, not writable by group or others, not on a kernel file
 *   system, and without an earlier recording. It is checked before anything
 *   is written.
 * - Every file is created O_CREAT | O_EXCL | O_NOFOLLOW, mode 0600, so that
 *   nothing planted there is ever written through; a file that replaces
 *   another (session.json) is written under a fresh unpredictable name and
 *   renamed over it.
 *
 * A refusal is an UnsafePathError whose message is one sentence for a person.
 */
export class UnsafePathError extends Error {
  override readonly name = 'UnsafePathError';
}

/** The kernel's windows, not storage: a folder made in /sys/fs/cgroup is a cgroup, reads under /proc can block. */
const KERNEL_FILE_SYSTEMS = new Set([
  'proc', 'sysfs', 'devtmpfs', 'devpts', 'cgroup', 'cgroup2', 'debugfs', 'tracefs', 'securityfs',
  'bpf', 'pstore', 'configfs', 'efivarfs', 'selinuxfs', 'mqueue', 'fusectl', 'binfmt_misc',
]);

/** The names only a recording puts in a folder (runtime/FORMAT.md). */
export function isRecordingFile(name: string): boolean {
  return name.endsWith('.gsr') || name === 'session.json' || name === 'sampler.json' || name === 'budget' || /^errors-\d+\.txt$/.test(name);
}

/** mountinfo writes a space in a mount point as \040. */
function unescapeMount(text: string): string {
  return text.replace(/\\([0-7]{3})/g, (_, octal: string) => String.fromCharCode(parseInt(octal, 8)));
}

/** "proc at /proc" when the existing `path` is on a kernel file system; undefined otherwise or when /proc is not mounted. */
export function kernelFileSystem(path: string): string | undefined {
  let real: string;
  let table: string;
  try {
    real = realpathSync(path);
    table = readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return undefined;
  }
  let best: [string, string] | undefined;
  for (const line of table.split('\n')) {
    const [left, right] = line.split(' - ');
    const fields = left?.split(' ') ?? [];
    if (!right || fields.length < 5) continue;
    const mount = unescapeMount(fields[4]!);
    const inside = real === mount || real.startsWith(`${mount.replace(/\/$/, '')}/`);
    if (inside && (!best || mount.length >= best[0].length)) best = [mount, right.split(' ')[0]!];
  }
  return best && KERNEL_FILE_SYSTEMS.has(best[1]) ? `${best[1]} at ${best[0]}` : undefined;
}

function nearestExisting(path: string): string {
  let p = path;
  for (;;) {
    try {
      lstatSync(p);
      return p;
    } catch {
      if (dirname(p) === p) return p;
      p = dirname(p);
    }
  }
}

/** Why a file or folder may hold what someone else wrote: "belongs to another user (uid 65534)", "is writable by others (mode 0777)". */
export function ownerFault(st: Stats): string | undefined {
  const uid = process.geteuid?.();
  if (uid !== undefined && st.uid !== uid) return `belongs to another user (uid ${st.uid})`;
  if (st.mode & 0o022) return `is writable by others (mode ${(st.mode & 0o7777).toString(8).padStart(4, '0')})`;
  return undefined;
}

function whyNotWritable(folder: string): string {
  try {
    accessSync(folder, constants.W_OK | constants.X_OK);
    return '';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EROFS') return `${folder} is on a read-only file system`;
    if (code === 'EACCES' || code === 'EPERM') return `you may not write in ${folder}`;
    return `${folder}: ${osErrorWords(error)}`;
  }
}

/**
 * The folder's parent must not let others rename things in it: a parent
 * anyone may write in, without the sticky bit (/tmp has it), would let them
 * swap the checked folder for a link before the files are written.
 */
function checkParentHolds(dir: string): void {
  const parent = dirname(dir);
  let st: Stats;
  try {
    st = statSync(parent);
  } catch {
    return; // said by the caller's own checks
  }
  if (st.mode & 0o002 && !(st.mode & 0o1000)) {
    throw new UnsafePathError(`${dir} is in ${parent}, where anyone may rename or replace things (mode ${(st.mode & 0o7777).toString(8).padStart(4, '0')}, no sticky bit); choose another -o`);
  }
}

/**
 * Checks `path` as a recording folder before anything is written: its
 * absolute path, and whether it exists already. Throws UnsafePathError
 * saying what is wrong and what to do. A kernel file system is refused
 * before anything there is read.
 */
export function checkOutputFolder(path: string): { dir: string; exists: boolean } {
  const dir = resolve(path);
  const kernel = kernelFileSystem(nearestExisting(dir));
  if (kernel) throw new UnsafePathError(`${dir} is on a kernel file system (${kernel}), not a place for files; choose another -o`);
  let st: Stats | undefined;
  try {
    st = lstatSync(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new UnsafePathError(`cannot use ${dir} as the recording folder: ${osErrorWords(error)}; choose another -o`);
    }
  }
  if (!st) {
    checkParent(dir);
    checkParentHolds(dir);
    return { dir, exists: false };
  }
  if (st.isSymbolicLink()) throw new UnsafePathError(`${dir} is a symbolic link; name a real folder with -o (gilscope does not write through links)`);
  if (!st.isDirectory()) throw new UnsafePathError(`${dir} is a file, not a folder; name a new folder for the recording with -o`);
  const fault = ownerFault(st);
  if (fault) throw new UnsafePathError(`${dir} ${fault}: it cannot hold a private recording; name a folder of your own with -o`);
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    throw new UnsafePathError(`cannot use ${dir} as the recording folder: ${osErrorWords(error)}; choose another -o`);
  }
  checkParentHolds(dir);
  if (names.some(isRecordingFile)) throw new UnsafePathError(`${dir} already holds a recording; name a new folder with -o, or remove that one`);
  const notWritable = whyNotWritable(dir);
  if (notWritable) throw new UnsafePathError(`cannot write in ${dir}: ${notWritable}; choose another -o`);
  return { dir, exists: true };
}

function checkParent(dir: string): void {
  const parent = dirname(dir);
  let st: Stats;
  try {
    st = statSync(parent);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new UnsafePathError(`cannot create ${dir}: its folder ${parent} does not exist; create it first or choose another -o`);
    }
    throw new UnsafePathError(`cannot create ${dir}: ${parent}: ${osErrorWords(error)}; choose another -o`);
  }
  if (!st.isDirectory()) throw new UnsafePathError(`cannot create ${dir}: ${parent} is a file, not a folder; choose another -o`);
  const notWritable = whyNotWritable(parent);
  if (notWritable) throw new UnsafePathError(`cannot create ${dir}: ${notWritable}; choose another -o`);
}

/** Creates (0700) or accepts the recording folder `path` under the rules above; its absolute path. Throws UnsafePathError. */
export function makeRecordingFolder(path: string): string {
  const { dir, exists } = checkOutputFolder(path);
  if (exists) return dir;
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return checkOutputFolder(dir).dir; // made meanwhile: judged like any
    throw new UnsafePathError(`cannot create ${dir}: ${osErrorWords(error)}; choose another -o`);
  }
  // The umask may have taken bits away: exactly 0700, on the folder just made, not on what the name may point at now.
  const fd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
  try {
    const uid = process.geteuid?.();
    if (uid !== undefined && fstatSync(fd).uid !== uid) throw new UnsafePathError(`${dir} was replaced while it was created; choose another -o`);
    fchmodSync(fd, 0o700);
  } finally {
    closeSync(fd);
  }
  return dir;
}

/** Opens a new file, 0600: never an existing one, never through a link. */
export function createExclusive(path: string): number {
  return openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
}

/**
 * Writes `data` as dir/name atomically: under a fresh unpredictable name
 * made O_EXCL | O_NOFOLLOW, then renamed over the old one (a rename
 * replaces a link planted at the name; it never follows it).
 */
export function replaceFile(dir: string, name: string, data: string | Uint8Array): void {
  const final = join(dir, name);
  const temporary = join(dir, `.${basename(name)}.${randomBytes(8).toString('hex')}.tmp`);
  const fd = createExclusive(temporary);
  try {
    try {
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      for (let at = 0; at < bytes.length;) at += writeSync(fd, bytes, at, bytes.length - at);
    } finally {
      closeSync(fd);
    }
    renameSync(temporary, final);
  } catch (error) {
    try {
      unlinkSync(temporary);
    } catch {
      // already renamed or never made
    }
    throw error;
  }
}
