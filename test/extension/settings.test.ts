import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, it } from 'node:test';
import { GilscopeConfig, SETTINGS } from '../../src/extension/config';
import { describeInterpreter, resolveInterpreter } from '../../src/extension/interpreter';
import type { PythonApiSource } from '../../src/extension/interpreter';
import { repoRoot } from '../support/repoRoot';
import * as vscode from 'vscode';
import { mock } from './mock/vscode';

/** The typed settings and the interpreter's fallbacks. */

const manifest = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
  contributes: { configuration: { properties: Record<string, { default: unknown; minimum?: number; maximum?: number }> } };
};

/** A stand-in for the Python extension's API with `selected` as the active interpreter. */
function pythonExtension(selected: string | undefined): PythonApiSource {
  return async () => ({
    environments: {
      getActiveEnvironmentPath: () => ({ id: 'x', path: selected ?? 'python' }),
      resolveEnvironment: async () => ({ executable: { uri: selected ? vscode.Uri.file(selected) : undefined } }),
    },
  }) as never;
}

beforeEach(() => mock.reset());

describe('settings', () => {
  it('declares in package.json every setting the wrapper reads, with the same defaults and bounds', () => {
    const declared = manifest.contributes.configuration.properties;
    for (const s of Object.values(SETTINGS)) {
      const d = declared[`gilscope.${s.key}`];
      assert.ok(d, `gilscope.${s.key} is declared`);
      assert.deepEqual(d.default, s.default, s.key);
      if ('min' in s) assert.deepEqual([d.minimum, d.maximum], [s.min, s.max], s.key);
    }
  });

  it('reads the declared defaults when nothing is set', () => {
    const config = new GilscopeConfig();
    assert.equal(config.pythonPath, undefined);
    assert.equal(config.allowSampledFallback, true);
    assert.equal(config.liveUpdateHz, 4);
    assert.equal(config.recordingsKept, 20);
    assert.equal(config.maxRecordingBytes, 2 ** 30);
  });

  it('reads the size cap as --max-size takes it, and the default for what is not a size', () => {
    const config = new GilscopeConfig();
    for (const [value, bytes] of [['500M', 500 * 2 ** 20], ['none', 0], ['0', 0], ['lots', 2 ** 30], [12, 2 ** 30], ['64K', 2 ** 30]] as const) {
      mock.settings.set('gilscope.maxRecordingSize', value);
      assert.equal(config.maxRecordingBytes, bytes, String(value));
    }
  });

  it('reads what is set, and falls back to the default for what is out of range or of the wrong type', () => {
    const config = new GilscopeConfig();
    mock.settings.set('gilscope.pythonPath', '  /opt/py/bin/python3 ');
    mock.settings.set('gilscope.allowSampledFallback', false);
    mock.settings.set('gilscope.liveUpdateHz', 10);
    mock.settings.set('gilscope.recordingsKept', 5.7);
    assert.deepEqual([config.pythonPath, config.allowSampledFallback, config.liveUpdateHz, config.recordingsKept], ['/opt/py/bin/python3', false, 10, 5]);
    mock.settings.set('gilscope.pythonPath', '   ');
    mock.settings.set('gilscope.allowSampledFallback', 'no');
    mock.settings.set('gilscope.liveUpdateHz', 0);
    mock.settings.set('gilscope.recordingsKept', -1);
    assert.deepEqual([config.pythonPath, config.allowSampledFallback, config.liveUpdateHz, config.recordingsKept], [undefined, true, 4, 20]);
    mock.settings.set('gilscope.liveUpdateHz', Number.NaN);
    assert.equal(config.liveUpdateHz, 4);
  });
});

describe('the interpreter', () => {
  it('is the one selected in the Python extension first', async () => {
    mock.settings.set('gilscope.pythonPath', '/from/setting/python3');
    const chosen = await resolveInterpreter(new GilscopeConfig(), undefined, pythonExtension('/venv/bin/python'));
    assert.deepEqual(chosen, { path: '/venv/bin/python', source: 'python extension' });
    assert.equal(describeInterpreter(chosen), '/venv/bin/python (selected in the Python extension)');
  });

  it('then the gilscope.pythonPath setting, when the Python extension is missing or names none', async () => {
    mock.settings.set('gilscope.pythonPath', '/from/setting/python3');
    const missing: PythonApiSource = () => Promise.reject(new Error('Python extension is not installed or is disabled'));
    assert.deepEqual(await resolveInterpreter(new GilscopeConfig(), undefined, missing), { path: '/from/setting/python3', source: 'gilscope.pythonPath' });
    assert.deepEqual(await resolveInterpreter(new GilscopeConfig(), undefined, pythonExtension(undefined)), { path: '/from/setting/python3', source: 'gilscope.pythonPath' });
  });

  it('then python3 on PATH', async () => {
    // The real facade (@vscode/python-extension) against the mock, where ms-python.python is not installed.
    const chosen = await resolveInterpreter(new GilscopeConfig(), undefined);
    assert.deepEqual(chosen, { path: 'python3', source: 'PATH' });
    assert.equal(describeInterpreter(chosen), 'python3 (python3 on PATH)');
  });

  it('asks the real facade for the active environment of the file', async () => {
    let asked: unknown;
    mock.extensions.set('ms-python.python', {
      isActive: true,
      exports: {
        environments: {
          getActiveEnvironmentPath: (resource: unknown) => { asked = resource; return { id: 'e', path: '/e/bin/python' }; },
          resolveEnvironment: async (env: { path: string }) => ({ executable: { uri: vscode.Uri.file(env.path) } }),
        },
      },
    });
    const file = vscode.Uri.file('/w/a.py');
    assert.deepEqual(await resolveInterpreter(new GilscopeConfig(), file), { path: '/e/bin/python', source: 'python extension' });
    assert.equal(asked, file);
  });
});
