import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { capReachedAt, cappedLine, createBudget, DEFAULT_CAP, describeSize, parseSize } from '../../src/core/launch/sizeCap';
import { LAUNCHERS, launcherEnv, prepareTestPython, runLaunched } from '../support/launchers';
import { tempDir } from '../support/recordingFixtures';
import { repoRoot } from '../support/repoRoot';

/**
 * The recording's size cap (runtime/FORMAT.md, "The size cap"), on both
 * launchers: --max-size, the budget file they make, and the one line said
 * when the cap stopped recording. The runtime's side (the headers, later
 * processes) is runtime/tests/test_size_cap.py.
 */

const WORKLOAD = join(repoRoot, 'runtime/tests/capped_workload.py');
const CAPPED = /^gilscope: recording stopped at the size cap \(200\.0 KiB\) \d+\.\d s in; the program ran on unrecorded$/m;

describe('--max-size', () => {
  it('reads sizes with K, M, G and none', () => {
    const sizes: Array<[string, number]> = [['500M', 500 * 2 ** 20], ['1.5G', 1.5 * 2 ** 30], ['200k', 200 * 1024], ['2GiB', 2 * 2 ** 30],
      ['300KB', 300 * 1024], ['1048576', 2 ** 20], ['0', 0], ['none', 0], ['NONE', 0]];
    for (const [text, bytes] of sizes) assert.deepEqual(parseSize(text), { bytes }, text);
    for (const text of ['', 'lots', '-5M', '5X', '1e9']) {
      const parsed = parseSize(text);
      assert.ok('problem' in parsed && parsed.problem.startsWith('--max-size takes a size such as 500M'), text);
    }
    assert.deepEqual(parseSize('64K'), { problem: '--max-size must be at least 128.0 KiB (or 0 for no cap)' });
    assert.deepEqual([DEFAULT_CAP, 500 * 2 ** 20, 200 * 1024].map(describeSize), ['1.0 GiB', '500.0 MiB', '200.0 KiB']);
  });

  it('the budget: 4096 bytes, 0600, the cap at 8; never made over a file already there', () => {
    const dir = tempDir();
    createBudget(dir, 200 * 1024);
    const page = readFileSync(join(dir, 'budget'));
    assert.equal(page.length, 4096);
    assert.equal(statSync(join(dir, 'budget')).mode & 0o777, 0o600);
    assert.equal(page.readBigUInt64LE(8), 204800n);
    assert.equal(capReachedAt(dir), undefined, 'not reached');
    assert.throws(() => createBudget(dir, 1), /^UnsafePathError: cannot create .*budget: it already exists; choose another -o$/);
    page.writeUInt32LE(1, 16);
    page.writeBigUInt64LE(5_000_000_000n, 24);
    writeFileSync(join(dir, 'budget'), page);
    assert.equal(capReachedAt(dir), 5_000_000_000n);
    assert.equal(cappedLine(2 ** 30, 5_000_000_000n, 3_000_000_000n),
      'gilscope: recording stopped at the size cap (1.0 GiB) 2.0 s in; the program ran on unrecorded');
  });
});

before(() => {
  prepareTestPython();
});

for (const launcher of LAUNCHERS) {
  describe(`${launcher.name}: the size cap`, () => {
    it('a workload that records far more than 200K: one line says where the cap stopped it; the workload runs on as it would', () => {
      const out = join(tempDir(), 'rec.gilscope');
      const pidFile = join(tempDir(), 'child.pid');
      const env = launcherEnv({ GILSCOPE_QUIET: '0' });
      const r = runLaunched(launcher.argv(out, [WORKLOAD, '--child-pid-file', pidFile], ['--max-size', '200K']), { env });
      assert.equal(r.code, 3, r.stderr);
      assert.equal(r.stdout, '4 threads took the lock\nchild ran\n');
      assert.match(r.stderr, CAPPED);
      assert.doesNotMatch(r.stderr, /not recorded/);
      const gsr = readdirSync(out).filter((n) => n.endsWith('.gsr'));
      assert.equal(gsr.length, 1, 'the child started after the cap: not recorded');
      assert.ok(gsr.reduce((sum, n) => sum + statSync(join(out, n)).size, 0) <= 200 * 1024);
      const header = readFileSync(join(out, gsr[0]!));
      assert.equal(header.readUInt32LE(624) & 0x2, 0x2, 'the header says recording stopped at the cap');
      assert.equal(header.readBigUInt64LE(640), 204800n);
    });

    it('--max-size none: no budget; a bad size: one line, exit 2, nothing made', () => {
      const out = join(tempDir(), 'rec.gilscope');
      const script = join(tempDir(), 'nothing.py');
      writeFileSync(script, 'pass\n');
      const r = runLaunched(launcher.argv(out, [script], ['--max-size', 'none']));
      assert.equal(r.code, 0, r.stderr);
      assert.ok(!existsSync(join(out, 'budget')));
      const bad = join(tempDir(), 'never.gilscope');
      const b = runLaunched(launcher.argv(bad, [script], ['--max-size', 'lots']));
      assert.equal(b.code, 2);
      assert.match(b.stderr, /--max-size takes a size such as 500M, 2G or 200K \(0 or none: no cap\), not 'lots'/);
      assert.ok(!existsSync(bad));
    });
  });
}
