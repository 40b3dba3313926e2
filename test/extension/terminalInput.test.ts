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
    const gate = new OutputGate((t) => { shown += t; }, 10, () => now);
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
