import { join } from 'node:path';
import { tempDir } from '../../support/recordingFixtures';
import { TEST_PYTHON } from '../../support/recordWorkload';
import { repoRoot } from '../../support/repoRoot';
import type { Interpreter } from '../../../src/extension/interpreter';
import type { SessionOptions } from '../../../src/extension/profiling/profileSession';
import type { ProfileTarget } from '../../../src/extension/profiling/profileTarget';
import { MockTerminal } from '../mock/terminal';

/** Fixtures of the host tests: the runtime, the test interpreter, and sessions with a fake terminal. */

export const runtimeDir = join(repoRoot, 'runtime/python');
export const workload = (name: string): string => join(repoRoot, 'test/workloads', `${name}.py`);
export const testInterpreter: Interpreter = { path: TEST_PYTHON, source: 'PATH' };

/** Session options for `target`, recording into a fresh temporary folder, with the terminals opened collected in `terminals`. */
export function sessionOptions(target: ProfileTarget, overrides: Partial<SessionOptions> = {}): SessionOptions & { terminals: MockTerminal[] } {
  const terminals: MockTerminal[] = [];
  return {
    target,
    interpreter: testInterpreter,
    recordingDir: join(tempDir('gilscope-host-'), 'run.gilscope'),
    runtimeDir,
    allowSampled: false,
    liveUpdateHz: 10,
    openTerminal: (name, pty) => {
      const t = new MockTerminal(name, pty);
      terminals.push(t);
      return t;
    },
    terminals,
    ...overrides,
  };
}

/** Polls `condition` every 20 ms until it holds; fails after `timeoutMs`. */
export async function until(what: string, condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
