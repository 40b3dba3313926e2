import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { enclosingFunction } from '../../src/extension/editor/enclosingFunction';

/** The indentation scan that finds the function under the cursor. */

const source = [
  'import threading',             // 0
  '',                             // 1
  'def top(n):',                  // 2
  '    total = 0',                // 3
  '    def inner(x):',            // 4
  '        return x * 2',         // 5
  '',                             // 6
  '    # a comment at the left',  // 7
  '    for i in range(n):',       // 8
  '        total += inner(i)',    // 9
  '    return total',             // 10
  '',                             // 11
  'class Pool:',                  // 12
  '    size = 4',                 // 13
  '    async def run(self, jobs):', // 14
  '\tpass',                       // 15
  '',                             // 16
  'x = top(3)',                   // 17
  '@decorated',                   // 18
  'def last(): return 1',         // 19
];

describe('enclosingFunction', () => {
  it('finds the def around the cursor, through nested blocks and blank lines', () => {
    assert.deepEqual(enclosingFunction(source, 3), { qualname: 'top', line: 2 });
    assert.deepEqual(enclosingFunction(source, 9), { qualname: 'top', line: 2 });
    assert.deepEqual(enclosingFunction(source, 6), { qualname: 'top', line: 2 });
    assert.deepEqual(enclosingFunction(source, 2), { qualname: 'top', line: 2 }, 'on the def line itself');
  });

  it('gives the outermost def of a nested function: an inner one cannot be called from outside', () => {
    assert.deepEqual(enclosingFunction(source, 5), { qualname: 'top', line: 2 });
  });

  it('gives Class.method for a method (async too, tab-indented body too)', () => {
    assert.deepEqual(enclosingFunction(source, 15), { qualname: 'Pool.run', line: 14 });
    assert.deepEqual(enclosingFunction(source, 14), { qualname: 'Pool.run', line: 14 });
  });

  it('finds nothing at module level or in a class body outside its methods', () => {
    assert.equal(enclosingFunction(source, 0), undefined);
    assert.equal(enclosingFunction(source, 17), undefined);
    assert.equal(enclosingFunction(source, 13), undefined);
    assert.equal(enclosingFunction(source, 12), undefined);
  });

  it('a one-line def is found on its line', () => {
    assert.deepEqual(enclosingFunction(source, 19), { qualname: 'last', line: 19 });
  });
});
