import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LineInput } from '../../src/extension/profiling/lineInput';
import { OutputGate } from '../../src/extension/profiling/outputGate';
import { splitArguments } from '../../src/extension/profiling/profileTarget';

/** The workload terminal's pieces that need no workload: line editing, the flood gate, argument words. */

function lineInput() {
  const seen = { echo: '', lines: [] as string[], interrupts: 0, ends: 0 };
  const input = new LineInput({
    echo: (t) => { seen.echo += t; },
    line: (t) => seen.lines.push(t),
    interrupt: () => seen.interrupts++,
    endOfInput: () => seen.ends++,
  });
  return { input, seen };
}

describe('LineInput', () => {
  it('echoes what is typed and sends whole lines on Enter', () => {
    const { input, seen } = lineInput();
    for (const key of 'abc') input.feed(key);
    assert.deepEqual(seen.lines, []);
    input.feed('\r');
    assert.deepEqual(seen.lines, ['abc\n']);
    assert.equal(seen.echo, 'abc\r\n');
  });

  it('erases with Backspace, ignores arrow keys, splits a paste into lines', () => {
    const { input, seen } = lineInput();
    input.feed('ab\x7fc\x1b[Dd\rsecond\rthird');
    assert.deepEqual(seen.lines, ['acd\n', 'second\n']);
    input.feed('\r');
    assert.deepEqual(seen.lines, ['acd\n', 'second\n', 'third\n']);
  });

  it('Ctrl+C interrupts and drops the line; Ctrl+D ends the input on an empty line', () => {
    const { input, seen } = lineInput();
    input.feed('half\x03');
    assert.equal(seen.interrupts, 1);
    input.feed('\x04');
    assert.equal(seen.ends, 1);
    assert.deepEqual(seen.lines, []);
  });
});

describe('OutputGate', () => {
  it('passes up to its budget per second, counts the rest and says so when the next second opens', () => {
    let now = 0;
    let shown = '';
    const gate = new OutputGate((t) => { shown += t; }, 80, () => now);
    gate.write('0123456789ABCDEF');
    assert.equal(gate.skipped, 6);
    assert.ok(shown.startsWith('0123456789'));
    assert.ok(!shown.includes('not shown'));
    now = 1000;
    gate.write('ok');
    assert.match(shown, /6 characters of output not shown/);
    assert.ok(shown.endsWith('ok'));
    assert.equal(gate.skipped, 6);
  });

  it('spreads the budget over the second in eighths: a steady flood shows at most the budget a second, a part each eighth', () => {
    let now = 0;
    const parts: string[] = [];
    const gate = new OutputGate((t) => parts.push(t), 8 * 1024, () => now);
    const line = `${'x'.repeat(99)}\n`;
    const shownAt = new Map<number, number>();
    let written = 0;
    // 3 s of 100-character lines, one write of 40 lines every 10 ms: 1.2 MB a second.
    for (now = 0; now < 3000; now += 10) {
      const before = parts.filter((p) => p.startsWith('x')).join('').length;
      gate.write(line.repeat(40));
      written += 4000;
      const after = parts.filter((p) => p.startsWith('x')).join('').length;
      if (after > before) shownAt.set(now, after - before);
    }
    const shown = [...shownAt.values()].reduce((a, b) => a + b, 0);
    assert.equal(gate.skipped + shown, written);
    // Every 125 ms a part of 1 KiB, never more in a second than the budget.
    assert.ok([...shownAt.values()].every((n) => n <= 1024), JSON.stringify([...shownAt]));
    for (let t0 = 0; t0 < 3000; t0 += 10) {
      let inWindow = 0;
      for (const [t, n] of shownAt) if (t >= t0 && t < t0 + 1000) inWindow += n;
      assert.ok(inWindow <= 8 * 1024, `${inWindow} characters shown in the second from ${t0} ms`);
    }
    const times = [...shownAt.keys()];
    assert.ok(times.length >= 3 * 8 - 1, `parts shown at ${times.join(', ')} ms`);
    // A notice starts a line of its own, though parts end mid-line.
    const text = parts.join('');
    const notices = [...text.matchAll(/\x1b\[33m\[gilscope: ([\d.]+) KiB of output not shown/g)];
    assert.equal(notices.length, 2, 'a notice when the second and the third second open');
    for (const n of notices) assert.equal(text[n.index - 1], '\n', `a notice follows ${JSON.stringify(text.slice(n.index - 20, n.index))}`);
  });
});

describe('splitArguments', () => {
  it('splits on blanks and keeps quoted words together, as a shell would', () => {
    assert.deepEqual(splitArguments(`--threads 4 "two words" 'it''s' a\\ b ""`), ['--threads', '4', 'two words', 'its', 'a b', '']);
    assert.deepEqual(splitArguments('  '), []);
    assert.deepEqual(splitArguments(`say "a \\"quoted\\" word"`), ['say', 'a "quoted" word']);
  });

  it('refuses an open quote', () => {
    assert.equal(splitArguments('"never closed'), undefined);
  });
});
