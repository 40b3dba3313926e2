import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LineTracker } from '../../src/server/documents/lineTracker';

const TEXT = ['def f():', '    a = 1', '    b = 2', '    c = 3', ''].join('\n');

function at(line: number, character: number): { line: number; character: number } {
  return { line, character };
}

test('lines above an insertion stay, lines below it move down by the lines inserted', () => {
  const t = new LineTracker(TEXT);
  t.apply({ range: { start: at(2, 0), end: at(2, 0) }, text: 'x = 0\ny = 0\n' });
  assert.deepEqual([0, 1, 2, 3].map((l) => t.current(l)), [0, 1, 4, 5]);
  assert.equal(t.recorded(4), 2);
  assert.equal(t.recorded(2), undefined, 'a line written since has no recorded line');
});

test('typing inside a line, indenting or dedenting it keeps it; deleting it drops it', () => {
  const t = new LineTracker(TEXT);
  t.apply({ range: { start: at(1, 9), end: at(1, 9) }, text: ' + 1' });
  t.apply({ range: { start: at(2, 0), end: at(2, 0) }, text: '    ' });
  t.apply({ range: { start: at(2, 0), end: at(2, 4) }, text: '' });
  assert.deepEqual([1, 2].map((l) => t.current(l)), [1, 2]);
  t.apply({ range: { start: at(2, 0), end: at(3, 0) }, text: '' });
  assert.deepEqual([1, 2, 3].map((l) => t.current(l)), [1, undefined, 2]);
});

test('joining a line onto the one above moves it there; a change without a range loses every line', () => {
  const t = new LineTracker(TEXT);
  t.apply({ range: { start: at(1, 9), end: at(2, 4) }, text: '; ' });
  assert.deepEqual([1, 2, 3].map((l) => t.current(l)), [1, 1, 2]);
  t.apply({ text: 'everything new' });
  assert.deepEqual([0, 1, 2, 3].map((l) => t.current(l)), [undefined, undefined, undefined, undefined]);
});
