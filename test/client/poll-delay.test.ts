import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { defaultPoll, pollDelay } from '../../src/client/index.js';

describe('pollDelay', () => {
  it('follows the gateway SDK schedule: 2 s, growing by 1.5, up to 30 s', () => {
    const delays = [0, 1, 2, 3, 4, 5, 6, 7, 8].map((poll) => pollDelay(poll, defaultPoll));
    expect(delays).toEqual([2000, 3000, 4500, 6750, 10125, 15187.5, 22781.25, 30000, 30000]);
  });

  test.prop([
    fc.nat({ max: 5000 }),
    fc.record({
      initialMs: fc.integer({ min: 0, max: 60_000 }),
      factor: fc.double({ min: 1, max: 4, noNaN: true }),
      maxMs: fc.integer({ min: 0, max: 600_000 }),
    }),
  ])('never shrinks and never passes maxMs', (poll, schedule) => {
    expect(pollDelay(poll, schedule)).toBeLessThanOrEqual(schedule.maxMs);
    expect(pollDelay(poll + 1, schedule)).toBeGreaterThanOrEqual(pollDelay(poll, schedule));
  });
});
