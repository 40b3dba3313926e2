import { spawn } from 'node:child_process';

import { osErrorWords } from '../files/osErrorWords';

/**
 * Asks a running Python to start or stop recording: runs
 * runtime/python/gilscope/remote_request.py with the target's own interpreter
 * (sys.remote_exec needs the same minor version), isolated (-I: no PYTHON*
 * variables, no user site, not the working folder), in a session of its own so
 * that a Ctrl-C at the terminal cannot cut it half-way. It writes the script into
 * the control folder and hands it over; the process runs it at its next
 * eval-breaker check, and says how it went in a marker file (attachedRecording.ts).
 */
export type RemoteAnswer =
  | { readonly ok: true; readonly script: string }
  | { readonly ok: false; readonly kind: 'gone' | 'permission' | 'disabled' | 'version' | 'failed'; readonly why: string };

const RUNNER = 'import sys; sys.path.insert(0, sys.argv.pop(1)); from gilscope.remote_request import main; sys.exit(main())';
const TIMEOUT_MS = 60_000;

export type RemoteRequest =
  | { readonly action: 'start'; readonly recordingDir: string; readonly probe: string; readonly build: string; readonly launcherPid: number; readonly launcherStart: number; readonly holdSplitMs: number }
  | { readonly action: 'stop' };

export function remoteRequest(python: string, runtimeDir: string, pid: number, control: string, request: RemoteRequest): Promise<RemoteAnswer> {
  const args = request.action === 'start'
    ? ['start', String(pid), control, request.recordingDir, request.probe, request.build, String(request.launcherPid), String(request.launcherStart), String(request.holdSplitMs)]
    : ['stop', String(pid), control];
  return new Promise((resolve) => {
    const child = spawn(python, ['-I', '-c', RUNNER, runtimeDir, ...args], { stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const timer = setTimeout(() => child.kill('SIGKILL'), TIMEOUT_MS);
    timer.unref();
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => out.push(c));
    child.stderr.on('data', (c: Buffer) => err.push(c));
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve({ ok: false, kind: 'failed', why: `${python} could not be run (${osErrorWords(error)})` });
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      try {
        const answer = JSON.parse(Buffer.concat(out).toString('utf8')) as RemoteAnswer;
        if (typeof answer.ok === 'boolean') return resolve(answer);
      } catch {
        // said below
      }
      const last = Buffer.concat(err).toString('utf8').trim().split('\n').at(-1) ?? '';
      resolve({ ok: false, kind: 'failed', why: `${python} -I -c … remote_request ${args[0]} ended (${signal ?? `exit ${code}`}) without an answer${last ? `: ${last}` : ''}` });
    });
  });
}
