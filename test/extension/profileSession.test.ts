import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ProfileSession } from '../../src/extension/profiling/profileSession';
import type { LiveSnapshot, SessionState } from '../../src/extension/profiling/profileSession';
import { fileTarget } from '../../src/extension/profiling/profileTarget';
import { tempDir } from '../support/recordingFixtures';
import { sessionOptions, until, workload } from './support/hostFixtures';

/**
 * The profiling session's state machine against real workloads, recorded
 * exactly with the test interpreter, in a fake terminal (the mock's
 * MockTerminal, which drives the Pseudoterminal as VS Code does).
 */

function follow(session: ProfileSession): { states: SessionState[]; snapshots: LiveSnapshot[] } {
  const seen = { states: [session.state] as SessionState[], snapshots: [] as LiveSnapshot[] };
  session.onDidChangeState((s) => seen.states.push(s));
  session.onDidUpdate((s) => seen.snapshots.push(s));
  return seen;
}

function script(text: string): string {
  const path = join(tempDir('gilscope-host-script-'), 'workload.py');
  writeFileSync(path, text);
  return path;
}

const TIMEOUT = { timeout: 180_000 };

describe('ProfileSession', () => {
  it('records a workload that ends by itself: preparing → running → finished, followed live', TIMEOUT, async () => {
    const file = workload('sleeping_threads');
    const options = sessionOptions(fileTarget(file, ['--sleeps', '10'], tempDir()));
    const session = ProfileSession.start(options);
    const seen = follow(session);
    const result = await session.done;

    assert.deepEqual(seen.states, ['preparing', 'running', 'finished']);
    assert.equal(result.state, 'finished', result.message);
    assert.equal(result.ok, true, result.message);
    assert.match(result.message, /^The workload finished after \d+\.\d s\.$/);
    assert.deepEqual(result.end, { exitCode: 0, signal: null });
    const dir = result.recordingDir!;
    assert.equal(dir, options.recordingDir);
    assert.equal(statSync(dir).mode & 0o777, 0o700, 'the recording directory is private');
    assert.ok(readdirSync(dir).some((n) => n.endsWith('.gsr')));

    // The follower's last reading is the whole recording: 4 sleeping threads and the main thread.
    const threads = result.analysis!.processes.flatMap((p) => p.threads.map((t) => t.name)).sort();
    assert.deepEqual(threads, ['MainThread', 'sleep-0', 'sleep-1', 'sleep-2', 'sleep-3']);
    assert.ok(seen.snapshots.some((s) => s.analysis && s.analysis.processes.length === 1), 'live snapshots while it ran');
    assert.ok(seen.snapshots.every((s, i) => i === 0 || s.elapsedSeconds >= seen.snapshots[i - 1]!.elapsedSeconds));

    const terminal = options.terminals[0]!;
    assert.match(terminal.name, /^gilscope: sleeping_threads\.py --sleeps 10$/);
    assert.match(terminal.text, /gilscope: preparing python3/);
    assert.match(terminal.text, /gilscope: recording exactly with Python 3\.\d+\.\d+: \S+ -u \S+sleeping_threads\.py --sleeps 10/);
    assert.match(terminal.text, /The workload finished after .* Recording: /);
    assert.match(terminal.text, /Press any key to close this terminal\.$/);
    terminal.type('x');
    assert.equal(terminal.closed, true, 'a key closes the terminal after the run');
    session.dispose();
  });

  it('stops a workload that never ends: running → stopping → finished, and keeps what was recorded', TIMEOUT, async () => {
    const file = script([
      'import threading, time',
      'def spin():',
      '    while True:',
      '        time.sleep(0.01)',
      'threading.Thread(target=spin, name="spinner", daemon=True).start()',
      'print("started", flush=True)',
      'while True:',
      '    time.sleep(0.05)',
      '',
    ].join('\n'));
    const options = sessionOptions(fileTarget(file, [], tempDir()));
    const session = ProfileSession.start(options);
    const seen = follow(session);
    await until('a live reading with the spinner', () => seen.snapshots.some((s) => s.analysis?.processes[0]?.threads.some((t) => t.name === 'spinner')));
    session.stop();
    const result = await session.done;

    assert.deepEqual(seen.states, ['preparing', 'running', 'stopping', 'finished']);
    assert.equal(result.state, 'finished');
    assert.match(result.message, /^The workload was stopped after \d+\.\d s; what was recorded until then is kept\.$/);
    assert.ok(result.analysis!.processes[0]!.threads.some((t) => t.name === 'spinner'));
    assert.match(options.terminals[0]!.text, /started/);
    session.dispose();
  });

  it('Ctrl+C in its terminal stops the workload too', TIMEOUT, async () => {
    const file = script('import time\nprint("ready", flush=True)\nwhile True:\n    time.sleep(0.05)\n');
    const options = sessionOptions(fileTarget(file, [], tempDir()));
    const session = ProfileSession.start(options);
    const seen = follow(session);
    await until('the workload to print', () => options.terminals[0]?.text.includes('ready') ?? false);
    options.terminals[0]!.type('\x03');
    const result = await session.done;
    assert.ok(seen.states.includes('stopping'));
    assert.equal(result.state, 'finished');
    assert.match(result.message, /stopped/);
    session.dispose();
  });

  it('a crash is said plainly, and what was recorded until then is kept', TIMEOUT, async () => {
    const options = sessionOptions(fileTarget(workload('crash_segv'), ['--after', '0.3'], tempDir()));
    const session = ProfileSession.start(options);
    const result = await session.done;
    assert.equal(result.state, 'finished');
    assert.equal(result.ok, false);
    assert.match(result.message, /^The workload was killed by SIGSEGV after \d+\.\d s; what was recorded until then is kept\.$/);
    const workers = result.analysis!.processes[0]!.threads.filter((t) => t.name.startsWith('cpu-'));
    assert.equal(workers.length, 2);
    session.dispose();
  });

  it('a flood of output is cut in the terminal, not in the workload; the run says so and keeps its recording', TIMEOUT, async () => {
    const file = script('import sys\nline = "x" * 1023 + "\\n"\nfor _ in range(4096):\n    sys.stdout.write(line)\nsys.stdout.flush()\nprint("END", flush=True)\n');
    const options = sessionOptions(fileTarget(file, [], tempDir()));
    const session = ProfileSession.start(options);
    const result = await session.done;
    assert.equal(result.state, 'finished');
    assert.deepEqual(result.end, { exitCode: 0, signal: null }, 'the workload was never blocked on its output');
    assert.equal(result.ok, false);
    assert.match(result.message, /faster than a terminal can show; \d+(\.\d)? (KiB|MiB) of it was not shown\./);
    assert.match(options.terminals[0]!.text, /of output not shown/);
    assert.ok(options.terminals[0]!.output.length < 4096 * 1024, 'the terminal got less than the workload wrote');
    session.dispose();
  });

  it('the user types into the workload through its terminal', TIMEOUT, async () => {
    const file = script('name = input("name? ")\nprint("hello " + name, flush=True)\n');
    const options = sessionOptions(fileTarget(file, [], tempDir()));
    const session = ProfileSession.start(options);
    await until('the prompt', () => options.terminals[0]?.text.includes('name? ') ?? false);
    options.terminals[0]!.type('gil\x7fL\r');
    const result = await session.done;
    assert.equal(result.state, 'finished', result.message);
    assert.match(options.terminals[0]!.text, /hello giL/);
    session.dispose();
  });

  it('fails before running anything when the interpreter cannot be prepared', TIMEOUT, async () => {
    const options = sessionOptions(fileTarget(workload('sleeping_threads'), [], tempDir()), {
      interpreter: { path: '/nonexistent/python3', source: 'gilscope.pythonPath' },
    });
    const session = ProfileSession.start(options);
    const seen = follow(session);
    const result = await session.done;
    assert.deepEqual(seen.states, ['preparing', 'failed']);
    assert.equal(result.state, 'failed');
    assert.match(result.message, /'\/nonexistent\/python3' was not found\. The interpreter is the one selected in the Python extension, else the gilscope\.pythonPath setting/);
    assert.ok(!existsSync(options.recordingDir), 'no recording directory is made');
    // Said in the terminal too, once VS Code has opened it (what was written before is kept for then).
    await until('the terminal to say why', () => /not found/.test(options.terminals[0]!.text));
    session.dispose();
  });

  it('a stop while preparing ends the session without starting the workload', TIMEOUT, async () => {
    const options = sessionOptions(fileTarget(workload('sleeping_threads'), [], tempDir()));
    const session = ProfileSession.start(options);
    const seen = follow(session);
    session.stop();
    const result = await session.done;
    assert.deepEqual(seen.states, ['preparing', 'stopping', 'failed']);
    assert.equal(result.message, 'Stopped before the workload started.');
    assert.ok(!existsSync(options.recordingDir));
    session.dispose();
  });
});
