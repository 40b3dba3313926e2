import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nextTickDelayMs } from '../../src/core/analysis/hostPacing';
import { LiveFollower } from '../../src/extension/profiling/liveFollower';
import { writeRecording } from '../support/recordingFixtures';
import { threeThreads } from '../support/scenarios';

describe('LiveFollower: a live view that never takes the extension host over', () => {
  it('waits after a tick at least four times what the tick took, and keeps the rate when ticks are cheap', () => {
    assert.equal(nextTickDelayMs(250, 10), 240, 'a cheap tick: one every 250 ms');
    assert.equal(nextTickDelayMs(250, 110), 440, 'a 110 ms tick: 550 ms from start to start, a fifth of the time');
    assert.equal(nextTickDelayMs(250, 0), 250);
  });

  it('a slow reading makes the readings fewer: at most a fifth of the time goes to them', async () => {
    const dir = writeRecording([threeThreads()]);
    let ticks = 0;
    let busyMs = 0;
    const follower = new LiveFollower(dir, (analysis) => {
      assert.ok(analysis, 'the recording reads');
      ticks++;
      // A reading that takes 60 ms, as a long run's snapshot does.
      const until = performance.now() + 60;
      while (performance.now() < until);
      busyMs += 60;
    });
    const started = performance.now();
    follower.start(20); // asks for one every 50 ms
    // Until the fourth reading has begun (a busy machine makes each longer, and so the waits), at most 20 s.
    while (ticks < 4 && performance.now() - started < 20_000) await new Promise((r) => setTimeout(r, 20));
    follower.stop();
    const elapsed = performance.now() - started;
    assert.ok(ticks >= 4, `${ticks} readings in ${elapsed.toFixed(0)} ms: it must keep following`);
    // The fourth reading ended just now: no wait after it yet, so it is allowed on top of the fifth.
    assert.ok(busyMs <= elapsed / 5 + 60, `${ticks} readings of 60 ms in ${elapsed.toFixed(0)} ms (at 20 Hz they would have taken it all)`);
  });
});
