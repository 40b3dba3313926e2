import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

/**
 * The text of a small regular file of a recording (session.json,
 * errors-<pid>.txt), read without following a link and without blocking: a
 * FIFO or a device planted under such a name would hang a plain read.
 * Undefined when it is absent; throws (an fs error) when it is there but
 * cannot be read, or is not a regular file.
 */
export function readSmallTextFile(path: string, maxBytes = 1 << 20): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    if (!fstatSync(fd).isFile()) throw Object.assign(new Error('not a regular file'), { code: 'ENOTREGULAR' });
    const buffer = Buffer.alloc(maxBytes);
    let used = 0;
    for (let n = -1; n !== 0 && used < maxBytes; used += n) n = readSync(fd, buffer, used, maxBytes - used, null);
    return buffer.subarray(0, used).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
