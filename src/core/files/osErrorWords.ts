/**
 * An operating system error in words, for the one line a person reads: never
 * the raw "ENOTDIR: not a directory, scandir '…'" that Node's fs gives. The
 * runtime's twin is OS_ERROR_WORDS in runtime/python/gilscope/safefiles.py.
 */
const WORDS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or folder',
  EACCES: 'permission denied',
  EPERM: 'the operation is not permitted',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'it is a folder',
  EROFS: 'the file system is read-only',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  ELOOP: 'it is a symbolic link (or too many links)',
  EEXIST: 'it already exists',
  ENAMETOOLONG: 'the name is too long',
  ENOTEMPTY: 'the folder is not empty',
  EBUSY: 'it is busy',
  EMFILE: 'too many files are open',
  EXDEV: 'it is on another file system',
  EINVAL: 'the name is not valid there',
};

/** The error's code as words; an error without a known code keeps its message, less Node's "CODE: " prefix and ", syscall 'path'" tail. */
export function osErrorWords(error: unknown): string {
  const e = error as NodeJS.ErrnoException;
  if (typeof e?.code === 'string' && WORDS[e.code]) return WORDS[e.code]!;
  const message = e instanceof Error ? e.message : String(error);
  return message.replace(/^E[A-Z]+: /, '').replace(/, \w+ '.*'$/, '').split('\n')[0]!;
}

/** Whether a thrown value is an operating system error (it has an errno code). */
export function isOsError(error: unknown): error is NodeJS.ErrnoException {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && /^E[A-Z0-9]+$/.test(code) && typeof (error as NodeJS.ErrnoException).syscall === 'string';
}
