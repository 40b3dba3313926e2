import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import {
  chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { tempDir } from '../support/recordingFixtures';
import { LAUNCHERS, launcherEnv, oneLine, prepareTestPython, processGone, runLaunched } from '../support/launchers';
import { TEST_PYTHON } from '../support/recordWorkload';
import { repoRoot } from '../support/repoRoot';
import { warningsBesidesBusyMachine } from '../support/gilscopeCli';

/**
 * What a user, a new user or an attacker can do to the launchers, tried on
 * both (`gilscope record` and `python -m gilscope.run`): files planted in the
 * output folder, a bad -o of every kind, a missing program, a launcher
 * killed with SIGKILL, a process that cannot be recorded. The rules are in
 * runtime/README.md, "Files and the probe cache".
 */

const isRoot = process.getuid?.() === 0;
const NOBODY = 65534;

/** A private folder with a Python script in it: returns the script's path. */
function script(body: string): string {
  const path = join(tempDir('gilscope-safety-'), 'work.py');
  writeFileSync(path, body);
  return path;
}

const SHORT = 'import time\ntime.sleep(0.05)\nprint("done")\n';

function gsrFiles(dir: string): string[] {
  return readdirSync(dir).filter((n) => n.endsWith('.gsr')).sort();
}

before(() => {
  prepareTestPython();
});

for (const launcher of LAUNCHERS) {
  describe(`${launcher.name}: files are never written through a planted link`, () => {
    it('a session.json.tmp symlink planted in -o: the target is untouched, and the run is done safely', () => {
      const root = tempDir('gilscope-planted-');
      const victim = join(root, 'victim.txt');
      writeFileSync(victim, 'precious\n');
      const out = join(root, 'out');
      mkdirSync(out, { mode: 0o700 });
      symlinkSync(victim, join(out, 'session.json.tmp'));
      const r = runLaunched(launcher.argv(out, [script(SHORT)]));
      assert.equal(r.code, 0, r.stderr);
      assert.equal(readFileSync(victim, 'utf8'), 'precious\n', 'the link was not followed');
      assert.ok(lstatSync(join(out, 'session.json')).isFile(), 'session.json is a file of its own');
      assert.equal(JSON.parse(readFileSync(join(out, 'session.json'), 'utf8')).exitCode, 0);
      assert.equal(gsrFiles(out).length, 1);
    });

    it('a session.json symlink planted in -o: refused in one line, the target untouched', () => {
      const root = tempDir('gilscope-planted-');
      const victim = join(root, 'victim.txt');
      writeFileSync(victim, 'precious\n');
      const out = join(root, 'out');
      mkdirSync(out, { mode: 0o700 });
      symlinkSync(victim, join(out, 'session.json'));
      const r = runLaunched(launcher.argv(out, [script(SHORT)]));
      assert.equal(r.code, 2);
      assert.match(oneLine(r.stderr), /^gilscope: .*\/out already holds a recording; name a new folder with -o/);
      assert.equal(readFileSync(victim, 'utf8'), 'precious\n');
      assert.equal(r.stdout, '', 'the workload did not run');
    });

    it('-o naming a symlink to a folder: refused in one line; the folder and its mode untouched', () => {
      const root = tempDir('gilscope-planted-');
      const target = join(root, 'target');
      mkdirSync(target);
      chmodSync(target, 0o755);
      const link = join(root, 'link.gilscope');
      symlinkSync(target, link);
      const r = runLaunched(launcher.argv(link, [script(SHORT)]));
      assert.equal(r.code, 2);
      assert.match(oneLine(r.stderr), /link\.gilscope is a symbolic link; name a real folder with -o/);
      assert.equal(statSync(target).mode & 0o7777, 0o755, "the target's mode");
      assert.deepEqual(readdirSync(target), []);
    });

    it('-o naming a folder that holds a recording: refused in one line; that recording untouched', () => {
      const out = join(tempDir('gilscope-again-'), 'rec.gilscope');
      const first = runLaunched(launcher.argv(out, [script(SHORT)]));
      assert.equal(first.code, 0, first.stderr);
      const before = readdirSync(out).sort();
      const session = readFileSync(join(out, 'session.json'), 'utf8');
      const again = runLaunched(launcher.argv(out, [script(SHORT)]));
      assert.equal(again.code, 2);
      assert.match(oneLine(again.stderr), /rec\.gilscope already holds a recording; name a new folder with -o, or remove that one$/);
      assert.deepEqual(readdirSync(out).sort(), before, 'no second run mixed in');
      assert.equal(readFileSync(join(out, 'session.json'), 'utf8'), session);
    });
  });

  describe(`${launcher.name}: every bad -o is one line and exit 2, and nothing is made`, () => {
    const cases: [string, () => string, RegExp][] = [
      ['an existing file', () => {
        const f = join(tempDir(), 'file');
        writeFileSync(f, 'x');
        return f;
      }, /file is a file, not a folder; name a new folder for the recording with -o$/],
      ['a folder whose parent does not exist', () => join(tempDir(), 'no', 'such', 'out'),
        /cannot create .*\/no\/such\/out: its folder .*\/no\/such does not exist; create it first or choose another -o$/],
      ['a folder under /proc (must not hang)', () => '/proc/gilscope-test-out', /\/proc\/gilscope-test-out is on a kernel file system \(proc at \/proc\)/],
      ['a folder under /proc/self', () => '/proc/self/out', /is on a kernel file system \(proc at \/proc\)/],
      ['a folder in a parent anyone may write in, without the sticky bit', () => {
        const open = join(tempDir(), 'open');
        mkdirSync(open);
        chmodSync(open, 0o777);
        return join(open, 'out');
      }, /out is in .*\/open, where anyone may rename or replace things \(mode 0777, no sticky bit\); choose another -o$/],
      ['a folder others can write', () => {
        const d = join(tempDir(), 'shared');
        mkdirSync(d);
        chmodSync(d, 0o777);
        return d;
      }, /shared is writable by others \(mode 0777\): it cannot hold a private recording/],
      ...(isRoot ? [['a folder of another user', () => {
        const d = join(tempDir(), 'theirs');
        mkdirSync(d, { mode: 0o700 });
        chownSync(d, NOBODY, NOBODY);
        return d;
      }, /theirs belongs to another user \(uid 65534\)/] as [string, () => string, RegExp]] : []),
    ];
    for (const [what, make, said] of cases) {
      it(what, () => {
        const out = make();
        const listing = () => (existsSync(out) && statSync(out).isDirectory() ? readdirSync(out) : undefined);
        const before = listing();
        const started = performance.now();
        const r = runLaunched(launcher.argv(out, [script(SHORT)]), { timeout: 30_000 });
        assert.notEqual(r.signal, 'SIGTERM', `it hung (${((performance.now() - started) / 1000).toFixed(1)} s)`);
        assert.equal(r.code, 2, r.stderr);
        assert.match(oneLine(r.stderr), said);
        assert.match(r.stderr, /^gilscope: /);
        assert.equal(r.stdout, '', 'the workload did not run');
        assert.deepEqual(listing(), before);
      });
    }

    it('a folder the user may not write in', (t) => {
      const parent = tempDir();
      chmodSync(parent, isRoot ? 0o755 : 0o555); // others (or the user) may look in, not write
      const out = join(parent, 'out');
      // root writes anywhere: the new user is nobody, with an interpreter nobody may run
      const python = isRoot ? '/usr/bin/python3' : TEST_PYTHON;
      if (isRoot && !existsSync(python)) return t.skip('no /usr/bin/python3 for the user nobody');
      const work = script(SHORT);
      chmodSync(join(work, '..'), 0o755);
      const argv = launcher.argv(out, [work]).map((a) => (a === TEST_PYTHON ? python : a));
      const r = runLaunched(argv, isRoot ? { uid: NOBODY, gid: NOBODY, cwd: '/' } : { cwd: '/' });
      assert.equal(r.code, 2, r.stderr);
      assert.match(oneLine(r.stderr), /^gilscope: cannot create .*\/out: you may not write in .*; choose another -o$/);
      assert.ok(!existsSync(out));
    });
  });

  describe(`${launcher.name}: a workload that cannot start is one line and exit 2`, () => {
    it('a script that does not exist', () => {
      const out = join(tempDir(), 'rec.gilscope');
      const r = runLaunched(launcher.argv(out, ['no_such_script.py']));
      assert.equal(r.code, 2);
      assert.equal(oneLine(r.stderr), 'gilscope: cannot record no_such_script.py: no such file; name the Python script to run');
      assert.ok(!existsSync(out), 'no folder was made');
    });
  });

  describe(`${launcher.name}: the workload dies with its launcher`, () => {
    it('SIGKILL of the launcher: the workload (a sleeping python) is gone within a second', async () => {
      const out = join(tempDir(), 'rec.gilscope');
      const sleeper = script('import os, sys, time\nprint(os.getpid(), flush=True)\ntime.sleep(120)\n');
      const argv = launcher.argv(out, [sleeper]);
      const child = spawn(argv[0]!, argv.slice(1), { cwd: repoRoot, env: launcherEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
      let workload = 0;
      try {
        workload = await new Promise<number>((resolve, reject) => {
          let text = '';
          const timer = setTimeout(() => reject(new Error('the workload did not start within 60 s')), 60_000);
          child.stdout.on('data', (c: Buffer) => {
            text += c.toString();
            const m = /^(\d+)\n/.exec(text);
            if (m) {
              clearTimeout(timer);
              resolve(Number(m[1]));
            }
          });
          child.once('exit', () => reject(new Error('the launcher ended first')));
        });
        assert.ok(!processGone(workload), 'the workload runs');
        child.kill('SIGKILL');
        const killedAt = performance.now();
        while (!processGone(workload) && performance.now() - killedAt < 1000) await new Promise((r) => setTimeout(r, 10));
        assert.ok(processGone(workload), `the workload ${workload} still runs ${(performance.now() - killedAt).toFixed(0)} ms after its launcher was killed`);
      } finally {
        if (workload && !processGone(workload)) process.kill(workload, 'SIGKILL');
        child.kill('SIGKILL');
      }
    });
  });

  describe(`${launcher.name}: a process that could not be recorded is said, in one line`, () => {
    it('a child Python whose recorder fails: one line naming the reason and errors-<pid>.txt; the exit status is the workload\'s', () => {
      const out = join(tempDir(), 'rec.gilscope');
      const work = script([
        'import os, subprocess, sys',
        'child = subprocess.Popen([sys.executable, "-c", "pass"], env=dict(os.environ, GILSCOPE_FORCE_SAMPLED="1"))',
        'child.wait()',
        'print(child.pid)',
        'sys.exit(3)',
        '',
      ].join('\n'));
      const r = runLaunched(launcher.argv(out, [work]));
      assert.equal(r.code, 3, r.stderr);
      const childPid = Number(r.stdout.trim());
      // (gilscope record's summary after it is the report, which lists it among its warnings)
      const said = r.stderr.split('\n').filter((l) => /^gilscope: .*not recorded/.test(l));
      assert.deepEqual(said, [
        `gilscope: 1 process was not recorded (forced by GILSCOPE_FORCE_SAMPLED=1, a testing aid; unset it to record exactly); see ${join(out, `errors-${childPid}.txt`)}`,
      ]);
      if (launcher.name.startsWith('python')) oneLine(r.stderr); // the runtime's launcher prints nothing else
      assert.equal(statSync(join(out, `errors-${childPid}.txt`)).mode & 0o777, 0o600);
    });

    it('a probe that is trusted but cannot be loaded, with --no-fallback: one line, exit 2, the workload not started', () => {
      const cache = tempDir('gilscope-cache-');
      const probe = runLaunched([TEST_PYTHON, '-c', 'from gilscope import _build; print(_build.probe_path())'], { env: launcherEnv({ GILSCOPE_CACHE: cache }) }).stdout.trim();
      mkdirSync(join(probe, '..'), { recursive: true, mode: 0o700 });
      // a valid shared object, the user's, private, with its checksum, but no PyInit function
      const cc = runLaunched(['gcc', '-shared', '-fPIC', '-o', probe, join(repoRoot, 'runtime/tests/planted_probe.c')]);
      assert.equal(cc.code, 0, cc.stderr);
      chmodSync(probe, 0o600);
      const digest = runLaunched(['sha256sum', probe]).stdout.split(' ')[0];
      writeFileSync(`${probe}.sha256`, `${digest}  ${probe.split('/').pop()}\n`, { mode: 0o600 });
      const ran = join(tempDir(), 'ran');
      const out = join(tempDir(), 'rec.gilscope');
      const r = runLaunched(launcher.argv(out, [script(`open(${JSON.stringify(ran)}, "w").close()\n`)], ['--no-fallback']), { env: launcherEnv({ GILSCOPE_CACHE: cache }) });
      assert.equal(r.code, 2, r.stderr);
      assert.match(oneLine(r.stderr), /could not be loaded \(.*\); remove its folder .* to have it built again; the workload was not started/);
      assert.ok(!existsSync(ran), 'the workload was not started');
      assert.ok(!existsSync(out), 'no folder was made');
    });
  });

  describe(`${launcher.name}: the report of a normal run`, () => {
    it('calls no process "end unknown"', () => {
      const out = join(tempDir(), 'rec.gilscope');
      const work = script('import subprocess, sys\nsubprocess.run([sys.executable, "-c", "pass"], check=True)\n');
      const r = runLaunched(launcher.argv(out, [work]));
      assert.equal(r.code, 0, r.stderr);
      const report = runLaunched([process.execPath, join(repoRoot, 'dist/cli.js'), 'report', out]);
      assert.equal(report.code, 0, report.stderr);
      const titles = report.stdout.split('\n').filter((l) => l.startsWith('Process '));
      assert.equal(titles.length, 2, report.stdout);
      for (const t of titles) assert.doesNotMatch(t, /end unknown/);
      assert.match(titles.find((t) => t.includes('work.py'))!, /, exit 0\)$/);
      assert.match(titles.find((t) => t.includes(' -c pass'))!, /, exit, status not seen\)$/);
      assert.deepEqual(warningsBesidesBusyMachine(report.stdout), [], report.stdout);
    });
  });
}

describe('gilscope record: through its trampoline the workload is as if started bare', () => {
  it('the same environment, signal dispositions, stdin and exit status; nothing recorded is exit 2', () => {
    const cli = join(repoRoot, 'dist/cli.js');
    const bare = { ...launcherEnv() };
    delete bare['LANG'];
    delete bare['LC_ALL'];
    delete bare['LC_CTYPE']; // the C locale: a Python trampoline would add LC_CTYPE to its own environment
    const out = join(tempDir(), 'rec.gilscope');
    const show = 'env; grep -E "^Sig(Ign|Blk)" /proc/self/status; read line; echo "read $line"; exit 7';
    const r = runLaunched([process.execPath, cli, 'record', '-o', out, '--python', TEST_PYTHON, '--', 'sh', '-c', show], { env: bare, input: 'hello\n' });
    assert.equal(r.code, 7, r.stderr);
    const handoff = prepareTestPython(); // the probe prepare checked, handed to the workload's processes
    const expected = runLaunched(['sh', '-c', show], {
      env: { ...bare, ...handoff, GILSCOPE_DIR: out, GILSCOPE_RUNTIME: join(repoRoot, 'runtime/python'), PYTHONPATH: `${join(repoRoot, 'runtime/python')}:${bare['PYTHONPATH']}` },
      input: 'hello\n',
    });
    const lines = (s: string) => s.split('\n').filter((l) => !/^_=/.test(l)).sort();
    assert.deepEqual(lines(r.stdout), lines(expected.stdout));
    assert.match(r.stdout, /^SigIgn:\s+0+$/m);
    assert.match(r.stdout, /^read hello$/m);

    const none = join(tempDir(), 'none.gilscope');
    const n = runLaunched([process.execPath, cli, 'record', '-o', none, '--', 'env', 'GILSCOPE_FORCE_SAMPLED=1', TEST_PYTHON, '-c', 'pass']);
    assert.equal(n.code, 2, n.stderr);
    assert.match(oneLine(n.stderr), /^gilscope: 1 process was not recorded \(forced by GILSCOPE_FORCE_SAMPLED=1.*\); see .*errors-\d+\.txt$/);
    const report = runLaunched([process.execPath, cli, 'report', none]);
    assert.equal(report.code, 2);
    assert.match(oneLine(report.stderr), /^gilscope: none\.gilscope: nothing was recorded: process \d+ could not record itself \(forced by GILSCOPE_FORCE_SAMPLED=1.*\); see .*errors-\d+\.txt$/);
  });

  it('a program that does not exist is one line and exit 2, before anything is made', () => {
    const out = join(tempDir(), 'rec.gilscope');
    const r = runLaunched([process.execPath, join(repoRoot, 'dist/cli.js'), 'record', '-o', out, '--', 'no-such-program-here', 'x']);
    assert.equal(r.code, 2);
    assert.equal(oneLine(r.stderr), "gilscope: cannot run 'no-such-program-here': no such program on PATH; check the command after --");
    assert.ok(!existsSync(out));
  });
});
