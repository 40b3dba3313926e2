import { randomBytes } from 'node:crypto';
import { closeSync, constants, fchmodSync, fstatSync, mkdirSync, openSync } from 'node:fs';
import { join } from 'node:path';

import { readSmallTextFile } from '../files/smallTextFile';
import { createExclusive } from '../launch/safeFiles';

/**
 * The private folder of one attach inside its recording (0700, a new name each time):
 * the scripts the process runs (remote_request.py writes them 0600, O_EXCL |
 * O_NOFOLLOW), the markers the process writes back (`started`, `stopped`; a failure
 * its import could not say: `start-failed`, `stop-failed`), and `cancelled`, written
 * when the launcher gives up waiting for the start: a start script that runs later
 * then does nothing; `stop-now`, written when the launcher asks for the stop. The folder stays with the recording: a script still pending in
 * the process must find it there.
 */
export function makeControlFolder(recordingDir: string): string {
  const dir = join(recordingDir, `attach-${randomBytes(4).toString('hex')}`);
  mkdirSync(dir, { mode: 0o700 });
  const fd = openSync(dir, constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW);
  try {
    const uid = process.geteuid?.();
    if (uid !== undefined && fstatSync(fd).uid !== uid) throw new Error(`${dir} was replaced while it was made`);
    fchmodSync(fd, 0o700);
  } finally {
    closeSync(fd);
  }
  return dir;
}

/** A marker's lines ("ok", the recording's path…), or undefined while it is not there. */
export function readMarker(control: string, name: string): string[] | undefined {
  const text = readSmallTextFile(join(control, name), 64 << 10);
  return text === undefined ? undefined : text.replace(/\n$/, '').split('\n');
}

/** Writes `cancelled`: the start script, should it run later, does nothing. */
export function cancelStart(control: string): void {
  touchMarker(control, 'cancelled');
}

/**
 * Writes `stop-now`: the probe's watch (runtime/csrc/watch.c) stops the recording
 * within 50 ms, without waiting for the process's main thread to run the stop script.
 */
export function askStopNow(control: string): void {
  touchMarker(control, 'stop-now');
}

function touchMarker(control: string, name: string): void {
  try {
    closeSync(createExclusive(join(control, name)));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}
