import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatSeconds } from '../../webview/common/format';

test('seconds are shown in the unit their three digits need, rounding up into the next unit', () => {
  assert.deepEqual(
    [1.5, 0.0123, 0.0009996, 0.0009994, 9.9996e-7, 4.2e-8, 0.99996, 0].map(formatSeconds),
    ['1.5 s', '12.3 ms', '1 ms', '999 µs', '1 µs', '42 ns', '1 s', '0'],
  );
});
