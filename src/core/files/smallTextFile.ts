import { closeSync, constants, fstatSync, openSync, readSync } from 'node:fs';

/**
 * The text of a small regular file of a recording (session.json,
 * errors-<pid>.txt), read without following a link and without blocking: a
 * FIFO or a device planted under such a name would hang a plain read.
 * Undefined when it is absent; throws (an fs error) when it is there but
 * cannot be read, or is not a regular file. At most `maxBytes` are read.
 */
export function readSmallTextFile(path: string, maxBytes = 16 << 20): string | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  try {
    if (!fstatSync(fd).isFile()) throw Object.assign(new Error('not a regular file'), { code: 'ENOTREGULAR' });
    const chunks: Buffer[] = [];
    for (let total = 0; total < maxBytes;) {
      const chunk = Buffer.alloc(Math.min(1 << 16, maxBytes - total));
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      chunks.push(chunk.subarray(0, n));
      total += n;
    }
    return Buffer.concat(chunks).toString('utf8');
  } finally {
    closeSync(fd);
  }
}
