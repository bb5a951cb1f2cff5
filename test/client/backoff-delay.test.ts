import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { backoffDelay, defaultRetry } from '../../src/client/index.js';

const backoff = fc
  .tuple(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 100_000 }))
  .map(([baseDelayMs, maxDelayMs]) => ({ baseDelayMs, maxDelayMs }));
const random = fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true });
const ceiling = (retry: number, b: { baseDelayMs: number; maxDelayMs: number }): number =>
  // A zero base stays zero (0 * 2^1024 would be NaN).
  Math.min(b.maxDelayMs, b.baseDelayMs === 0 ? 0 : b.baseDelayMs * 2 ** (retry - 1));

describe('backoffDelay', () => {
  test.prop([fc.integer({ min: 1, max: 2000 }), random, backoff])(
    'waits at least half of min(maxDelayMs, baseDelayMs * 2^(retry-1)) and at most all of it',
    (retry, r, b) => {
      const delay = backoffDelay(retry, () => r, b);
      expect(delay).toBeGreaterThanOrEqual(Math.floor(ceiling(retry, b) / 2));
      expect(delay).toBeLessThanOrEqual(ceiling(retry, b));
      expect(Number.isInteger(delay)).toBe(true);
    },
  );

  test.prop([fc.integer({ min: 1, max: 2000 }), random, backoff])(
    'never shrinks from one retry to the next for the same random draw',
    (retry, r, b) => {
      expect(backoffDelay(retry + 1, () => r, b)).toBeGreaterThanOrEqual(backoffDelay(retry, () => r, b));
    },
  );

  it('waits 250 to 500 ms before the first retry with the default settings, whatever the draw', () => {
    expect(backoffDelay(1, () => 0, defaultRetry)).toBe(250);
    expect(backoffDelay(1, () => 0.9999, defaultRetry)).toBe(499);
  });

  it('doubles its floor and its ceiling from 500 ms up to 8 s with the default settings', () => {
    const floors = [1, 2, 3, 4, 5, 6, 7].map((retry) => backoffDelay(retry, () => 0, defaultRetry));
    const ceilings = [1, 2, 3, 4, 5, 6, 7].map((retry) => backoffDelay(retry, () => 1, defaultRetry));
    expect(floors).toEqual([250, 500, 1000, 2000, 4000, 4000, 4000]);
    expect(ceilings).toEqual([500, 1000, 2000, 4000, 8000, 8000, 8000]);
  });
});
