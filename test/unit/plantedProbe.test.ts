import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { appendFileSync, chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { describe, it } from 'node:test';
import { parseHeader } from '../../src/core/format/header';
import { tempDir } from '../support/recordingFixtures';
import { LAUNCHERS, launcherEnv, probePathIn, runLaunched } from '../support/launchers';
import { repoRoot } from '../support/repoRoot';

/**
 * An attacker's probe planted in the cache, at the very path the cache would
 * use, on both launchers: a shared object whose constructor creates a marker
 * file (runtime/tests/planted_probe.c). Another user's, writable by others,
 * or changed after its checksum was written: it must never be loaded (the
 * marker never appears), the launcher says why in one line, and a fresh
 * probe is built and used. The first case compiles the probe with gcc (~10-20 s); the
 * others build it through the same path with a compiler that gives what gcc gave then for
 * the same command (test/support/cachingCompiler.mjs, as ccache would), so that six cases
 * cost one compile. The runtime's suite checks the same refusals on every interpreter
 * without the compile (runtime/tests/test_probe_cache.py).
 */

const isRoot = process.getuid?.() === 0;
const hasGcc = runLaunched(['sh', '-c', 'command -v gcc']).code === 0;
/** CC for the launchers: gcc once, then its output again for the same command. */
const CACHING_CC = [process.execPath, join(repoRoot, 'test/support/cachingCompiler.mjs'), tempDir('gilscope-cc-')].map((a) => `'${a}'`).join(' ');

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

interface Fault {
  readonly what: string;
  readonly said: string;
  /** Spoils the planted probe, whose checksum file matches it until then. */
  spoil(probe: string): void;
}

const FAULTS: readonly Fault[] = [
  ...(isRoot ? [{ what: "another user's", said: 'belongs to another user (uid 65534)', spoil: (p: string) => chownSync(p, 65534, 65534) }] : []),
  { what: 'writable by others', said: 'is writable by others (mode 0666)', spoil: (p) => chmodSync(p, 0o666) },
  { what: 'changed after it was built', said: 'does not match the checksum recorded when it was built', spoil: (p) => appendFileSync(p, 'planted') },
];

/** Plants the attacker's probe where the cache keeps the one for the test Python; returns its path and the marker it would create. */
function plant(cache: string): { probe: string; marker: string } {
  const probe = probePathIn(cache);
  mkdirSync(dirname(probe), { recursive: true, mode: 0o700 });
  const marker = join(tempDir('gilscope-marker-'), 'the planted probe ran');
  const cc = runLaunched(['gcc', '-shared', '-fPIC', `-DPLANTED_MARKER=${JSON.stringify(marker)}`, '-o', probe, join(repoRoot, 'runtime/tests/planted_probe.c')]);
  assert.equal(cc.code, 0, cc.stderr);
  chmodSync(probe, 0o600);
  writeFileSync(`${probe}.sha256`, `${sha256(probe)}  ${basename(probe)}\n`, { mode: 0o600 });
  return { probe, marker };
}

describe('a probe planted in the cache is never loaded, and a fresh one is built', () => {
  for (const launcher of LAUNCHERS) {
    for (const fault of FAULTS) {
      it(`${launcher.name}: a planted probe ${fault.what}`, (t) => {
        if (!hasGcc) return t.skip('no gcc to build the planted probe');
        const cache = tempDir('gilscope-cache-');
        const { probe, marker } = plant(cache);
        fault.spoil(probe);
        const out = join(tempDir(), 'rec.gilscope');
        const work = join(tempDir(), 'work.py');
        writeFileSync(work, 'print("done")\n');
        const r = runLaunched(launcher.argv(out, [work], ['--no-fallback']), { env: launcherEnv({ GILSCOPE_CACHE: cache, CC: CACHING_CC }), timeout: 300_000 });
        assert.equal(r.code, 0, r.stderr);
        assert.equal(r.stdout, 'done\n');
        assert.ok(!existsSync(marker), 'the planted probe was loaded');
        const said = r.stderr.split('\n').filter((l) => /probe/.test(l));
        assert.deepEqual(said, [`gilscope: the cached probe ${probe} ${fault.said}; rebuilding it`], r.stderr);
        // the fresh probe: the user's, private, with a checksum that matches, and used
        const st = statSync(probe);
        assert.equal(st.uid, process.getuid?.());
        assert.equal(st.mode & 0o777, 0o600);
        assert.equal(statSync(dirname(probe)).mode & 0o777, 0o700);
        assert.equal(readFileSync(`${probe}.sha256`, 'utf8').split(' ')[0], sha256(probe));
        const files = readdirSync(out).filter((n) => n.endsWith('.gsr'));
        assert.equal(files.length, 1);
        assert.equal(parseHeader(new Uint8Array(readFileSync(join(out, files[0]!))), files[0]!).gilMode, 1, 'recorded exactly, by the fresh probe');
        assert.deepEqual(readdirSync(dirname(dirname(probe))), [basename(dirname(probe))], 'no stale or half-built folder left');
      });
    }
  }
});
