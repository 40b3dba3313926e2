import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';
import { NEW_PYTHON_TAGS, PYTHONS_SCRIPT, findPythons, parsePythonsList, pythonsCacheRoot } from '../support/pythons';
import { repoRoot } from '../support/repoRoot';

/**
 * `npm run pythons` (scripts/pythons.mjs): every interpreter it lists runs and is what its tag
 * says, the ones it installs are complete, and a second run costs nothing.
 */

const execFileAsync = promisify(execFile);

interface ScriptRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** Installs what is missing the first time on a machine: 3.13t's build takes about 5 minutes on 2 cores. */
const FIRST_RUN_TIMEOUT_MS = 20 * 60_000;

async function runScript(args: string[] = [], timeout = FIRST_RUN_TIMEOUT_MS): Promise<ScriptRun> {
  const started = Date.now();
  try {
    const { stdout, stderr } = await execFileAsync(process.execPath, [PYTHONS_SCRIPT, ...args], { cwd: repoRoot, timeout, maxBuffer: 16 << 20 });
    return { code: 0, stdout, stderr, ms: Date.now() - started };
  } catch (error) {
    const e = error as { code?: unknown; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? String(error), ms: Date.now() - started };
  }
}

/** What each interpreter says about itself; runs on 3.8 as on 3.15. */
const SELF_REPORT = `
import json, sys, sysconfig
report = {
    'version': list(sys.version_info[:2]),
    'gilDisabledBuild': bool(sysconfig.get_config_var('Py_GIL_DISABLED')),
    'remoteExec': hasattr(sys, 'remote_exec'),
    'packages': {},
}
if '--packages' in sys.argv:
    import numpy, dask, distributed, joblib
    report['packages'] = {m.__name__: m.__version__ for m in (numpy, dask, distributed, joblib)}
# asked last: importing a C extension without Py_mod_gil would turn the GIL back on
report['gilEnabled'] = sys._is_gil_enabled() if hasattr(sys, '_is_gil_enabled') else True
print(json.dumps(report))
`;

interface SelfReport {
  version: [number, number];
  gilDisabledBuild: boolean;
  gilEnabled: boolean;
  remoteExec: boolean;
  packages: Record<string, string>;
}

async function selfReport(executable: string, withPackages: boolean): Promise<SelfReport> {
  const { stdout } = await execFileAsync(executable, ['-c', SELF_REPORT, ...(withPackages ? ['--packages'] : [])], { timeout: 120_000 });
  return JSON.parse(stdout) as SelfReport;
}

function versionAtLeast(text: string, major: number, minor: number): boolean {
  const [a = 0, b = 0] = text.split('.').map((p) => Number.parseInt(p, 10));
  return a > major || (a === major && b >= minor);
}

describe('npm run pythons', async () => {
  const first = await runScript();
  const listed = parsePythonsList(first.stdout);

  it('exits 0 and lists 3.14, 3.15 and 3.13t, one `TAG ABSOLUTE-PATH` line each', () => {
    assert.equal(first.code, 0, `scripts/pythons.mjs exited ${first.code}:\n${first.stderr}`);
    const lines = first.stdout.trimEnd().split('\n');
    assert.equal(listed.length, lines.length, `every stdout line is TAG PATH:\n${first.stdout}`);
    for (const tag of NEW_PYTHON_TAGS) assert.ok(listed.some((p) => p.tag === tag), `${tag} is listed:\n${first.stdout}`);
    for (const p of listed) assert.ok(isAbsolute(p.executable), p.executable);
    assert.equal(new Set(listed.map((p) => p.tag)).size, listed.length, 'each tag once');
  });

  it('runs a second time in under 2 s and prints the same list', async () => {
    const second = await runScript([], 30_000);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.stdout, first.stdout);
    assert.ok(second.ms < 2000, `second run took ${second.ms} ms`);
  });

  it('writes the same list to <cache>/pythons.json', () => {
    const json = JSON.parse(readFileSync(join(pythonsCacheRoot(), 'pythons.json'), 'utf8')) as { tag: string; executable: string; freeThreaded: boolean }[];
    assert.deepEqual(
      json.map((p) => `${p.tag} ${p.executable} ${p.freeThreaded}`),
      listed.map((p) => `${p.tag} ${p.executable} ${p.tag === '3.13t'}`),
    );
  });

  it('--check and --only agree with it and install nothing', async () => {
    const check = await runScript(['--check', '--only', '3.14,3.13t'], 30_000);
    assert.equal(check.code, 0, check.stderr);
    assert.deepEqual(
      parsePythonsList(check.stdout),
      listed.filter((p) => p.tag === '3.14' || p.tag === '3.13t'),
    );
  });

  for (const { tag, executable } of listed) {
    it(`${tag} (${executable}) runs and is what its tag says`, async () => {
      const isNew = tag === '3.14' || tag === '3.15';
      const report = await selfReport(executable, isNew);
      const minor = tag.replace(/^debian-/, '').replace(/t$/, '');
      assert.equal(report.version.join('.'), minor, `${executable} is ${report.version.join('.')}`);
      if (tag === '3.13t') {
        assert.equal(report.gilDisabledBuild, true, 'Py_GIL_DISABLED is 1');
        assert.equal(report.gilEnabled, false, 'sys._is_gil_enabled() is False');
      } else {
        assert.equal(report.gilDisabledBuild, false, `${tag} is a GIL build`);
        assert.equal(report.gilEnabled, true);
      }
      if (tag.startsWith('debian-')) assert.ok(executable.startsWith('/usr/bin/'), executable);
      if (isNew) {
        assert.equal(report.remoteExec, true, 'sys.remote_exec exists');
        assert.deepEqual(Object.keys(report.packages).sort(), ['dask', 'distributed', 'joblib', 'numpy']);
        assert.ok(versionAtLeast(report.packages.joblib!, 1, 6), `joblib ${report.packages.joblib} (sid's 1.5.3 breaks on 3.15)`);
      }
    });
  }
});

describe('findPythons', () => {
  it('lists 3.14, 3.15 and 3.13t by default (GILSCOPE_TEST_NEW_PYTHONS=0 leaves them out)', async () => {
    const byDefault = await findPythons();
    const newByDefault = process.env.GILSCOPE_TEST_NEW_PYTHONS !== '0';
    for (const tag of NEW_PYTHON_TAGS) {
      assert.equal(byDefault.some((p) => p.tag === tag), newByDefault, `${tag} by default (GILSCOPE_TEST_NEW_PYTHONS=${process.env.GILSCOPE_TEST_NEW_PYTHONS ?? ''})`);
    }
    assert.ok(byDefault.some((p) => p.tag.startsWith('debian-')), "Debian's python3");

    const all = await findPythons({ include: NEW_PYTHON_TAGS });
    for (const tag of NEW_PYTHON_TAGS) {
      const python = all.find((p) => p.tag === tag);
      assert.ok(python, `${tag} with include`);
      assert.equal(python.freeThreaded, tag === '3.13t');
      assert.equal(`${python.version[0]}.${python.version[1]}`, tag.replace(/t$/, ''));
    }
    const fromTwelve = await findPythons([3, 12]);
    assert.ok(fromTwelve.every((p) => p.version[0] === 3 && p.version[1] >= 12));
  });
});
