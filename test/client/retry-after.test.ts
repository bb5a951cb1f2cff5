import { describe, expect, it } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { parseRetryAfter } from '../../src/client/index.js';

const now = Date.UTC(2026, 0, 1, 12, 0, 0);
const headers = (entries: Record<string, string>): Headers => new Headers(entries);

describe('parseRetryAfter', () => {
  test.prop([fc.nat({ max: 10_000_000 })])('reads delay-seconds as that many seconds', (seconds) => {
    expect(parseRetryAfter(headers({ 'retry-after': String(seconds) }), now)).toBe(seconds * 1000);
  });

  test.prop([fc.integer({ min: 0, max: 10_000_000 })])(
    'reads an IMF-fixdate as the time from now until then',
    (secondsAhead) => {
      const value = new Date(now + secondsAhead * 1000).toUTCString();
      expect(parseRetryAfter(headers({ 'retry-after': value }), now)).toBe(secondsAhead * 1000);
    },
  );

  test.prop([fc.integer({ min: 1, max: 1_000_000_000 })])('answers 0 for a date in the past', (secondsAgo) => {
    const value = new Date(now - secondsAgo * 1000).toUTCString();
    expect(parseRetryAfter(headers({ 'retry-after': value }), now)).toBe(0);
  });

  test.prop([fc.string(), fc.string()])(
    'never answers a negative or non-finite wait, whatever the headers hold',
    (retryAfter, retryAfterMs) => {
      const ms = parseRetryAfter(headers({ 'retry-after': retryAfter, 'retry-after-ms': retryAfterMs }), now);
      if (ms !== undefined) {
        expect(Number.isFinite(ms)).toBe(true);
        expect(ms).toBeGreaterThanOrEqual(0);
      }
    },
  );

  test.prop([fc.nat({ max: 1_000_000 }), fc.nat({ max: 1000 })])(
    'prefers retry-after-ms to Retry-After',
    (ms, seconds) => {
      expect(parseRetryAfter(headers({ 'retry-after-ms': String(ms), 'retry-after': String(seconds) }), now)).toBe(ms);
    },
  );

  it('reads the two obsolete date forms RFC 9110 requires recipients to accept', () => {
    const at = Date.UTC(1994, 10, 6, 8, 49, 37);
    expect(parseRetryAfter(headers({ 'retry-after': 'Sunday, 06-Nov-94 08:49:37 GMT' }), at - 5000)).toBe(5000);
    expect(parseRetryAfter(headers({ 'retry-after': 'Sun Nov  6 08:49:37 1994' }), at - 5000)).toBe(5000);
  });

  it.each(['', 'soon', '-1', '1.5', 'soon 3', '2024-01-01', 'Tue', '1e3'])(
    'answers undefined for the unreadable value %j',
    (value) => {
      expect(parseRetryAfter(headers({ 'retry-after': value }), now)).toBeUndefined();
    },
  );

  it('answers undefined when neither header is sent', () => {
    expect(parseRetryAfter(headers({}), now)).toBeUndefined();
  });
});
