import { closeSync, constants, openSync, readSync } from 'node:fs';

import { readLiveFields } from '../format/header';
import type { LiveFields } from '../format/header';
import { Header, LIVE_HEADER_BYTES } from '../format/layout';

/**
 * The fields an attached process's recording changes as it runs, read from its
 * header page (runtime/FORMAT.md): the launcher sees there that recording has
 * stopped (end kind 4) before the process has run its stop script. Undefined
 * while the file cannot be read.
 */
export function readRecordingLiveFields(path: string): LiveFields | undefined {
  let fd: number;
  try {
    fd = openSync(path, constants.O_RDONLY | constants.O_NOFOLLOW);
  } catch {
    return undefined;
  }
  try {
    const bytes = new Uint8Array(LIVE_HEADER_BYTES);
    if (readSync(fd, bytes, 0, bytes.length, 0) < bytes.length) return undefined;
    const version = new DataView(bytes.buffer).getUint32(Header.formatVersion, true);
    return readLiveFields(bytes, version);
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}
