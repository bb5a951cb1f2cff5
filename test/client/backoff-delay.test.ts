import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { backoffDelay, defaultRetry } from '../../src/client/index.js';

const backoff = fc
  .tuple(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 100_000 }))
  .map(([baseDelayMs, maxDelayMs]) => ({ baseDelayMs, maxDelayMs }));
const random = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });

describe('backoffDelay', () => {
  test.prop([fc.integer({ min: 1, max: 2000 }), random, backoff])(
    'stays between 0 and min(maxDelayMs, baseDelayMs * 2^(retry-1))',
    (retry, r, b) => {
      const delay = backoffDelay(retry, () => r, b);
      expect(delay).toBeGreaterThanOrEqual(0);
      // A zero base stays zero (0 * 2^1024 would be NaN).
      const doubled = b.baseDelayMs === 0 ? 0 : b.baseDelayMs * 2 ** (retry - 1);
      expect(delay).toBeLessThanOrEqual(Math.min(b.maxDelayMs, doubled));
      expect(Number.isInteger(delay)).toBe(true);
    },
  );

  test.prop([fc.integer({ min: 1, max: 2000 }), random, backoff])(
    'never shrinks from one retry to the next for the same random draw',
    (retry, r, b) => {
      expect(backoffDelay(retry + 1, () => r, b)).toBeGreaterThanOrEqual(backoffDelay(retry, () => r, b));
    },
  );

  it('doubles from 500 ms up to 8 s with the default settings', () => {
    const ceilings = [1, 2, 3, 4, 5, 6, 7].map((retry) => backoffDelay(retry, () => 1, defaultRetry));
    expect(ceilings).toEqual([500, 1000, 2000, 4000, 8000, 8000, 8000]);
  });
});
