// One builder at a time per cache: two `npm test` runs (or a run and a teammate's
// `npm run pythons`) that start together must not extract into the same prefix or share
// apt's state. The lock is flock(2) on <cache>/python/.lock, taken by flock(1) on a file
// descriptor this process keeps open: the kernel drops it when the process ends, however it
// ends, so there is no stale lock to detect.
import { spawn } from 'node:child_process';
import { mkdirSync, openSync } from 'node:fs';
import { dirname } from 'node:path';
import { PythonsError, step } from './progress.mjs';

/** flock(1) on our descriptor, passed as its fd 3; resolves with its exit code (1: held elsewhere, with --nonblock). */
function flockFd(fd, extra) {
  return new Promise((resolve) => {
    const child = spawn('flock', [...extra, '3'], { stdio: ['ignore', 'ignore', 'inherit', fd] });
    child.on('error', (error) => resolve({ code: -1, error }));
    child.on('close', (code) => resolve({ code }));
  });
}

/** Takes the build lock, waiting (with a line every 20 s) while another run holds it. Held until this process exits. */
export async function takeBuildLock(lockPath) {
  mkdirSync(dirname(lockPath), { recursive: true });
  // never closed: the lock lives as long as this descriptor
  const fd = openSync(lockPath, 'a');
  let result = await flockFd(fd, ['--nonblock']);
  if (result.code === 1) {
    result = await step(`another run is installing interpreters (it holds ${lockPath}); waiting for it`, () => flockFd(fd, []));
  }
  if (result.code !== 0) {
    throw new PythonsError(`cannot lock ${lockPath}: flock ${result.error?.message ?? `exit ${result.code}`}`);
  }
}
