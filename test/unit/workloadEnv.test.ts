import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { workloadEnvironment } from '../../src/core/launch/workloadEnv';

/** The environment a recorded workload starts with (src/core/launch/workloadEnv.ts). */

describe('the probe handed over', () => {
  it('is added to the workload environment, replacing an outer launcher\'s; nothing else is taken from it', () => {
    const base = { PATH: '/bin', GILSCOPE_PROBE: '/outer/probe.so', GILSCOPE_PROBE_ID: '1:2:3:4:5' };
    const env = workloadEnvironment('/rec', '/rt', base, { GILSCOPE_PROBE: '/p.so', GILSCOPE_PROBE_ID: '9:9:9:9:9', GILSCOPE_PROBE_PYTHON: 'x|/py', GILSCOPE_BUILD: 'b', LD_PRELOAD: '/evil.so' });
    assert.deepEqual(env, {
      PATH: '/bin', GILSCOPE_PROBE: '/p.so', GILSCOPE_PROBE_ID: '9:9:9:9:9', GILSCOPE_PROBE_PYTHON: 'x|/py', GILSCOPE_BUILD: 'b',
      GILSCOPE_DIR: '/rec', GILSCOPE_RUNTIME: '/rt', PYTHONPATH: '/rt',
    });
    assert.deepEqual(workloadEnvironment('/rec', '/rt', base), { PATH: '/bin', GILSCOPE_DIR: '/rec', GILSCOPE_RUNTIME: '/rt', PYTHONPATH: '/rt' });
  });
});
