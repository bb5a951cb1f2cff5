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

  // Mostly headers a server really sends, each with the wait it means: every generated case is checked.
  const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
  const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const two = (n: number): string => String(n).padStart(2, '0');
  const rfc850 = (at: Date): string =>
    `${DAYS[at.getUTCDay()]}, ${two(at.getUTCDate())}-${MONTHS[at.getUTCMonth()]}-${two(at.getUTCFullYear() % 100)} ${two(at.getUTCHours())}:${two(at.getUTCMinutes())}:${two(at.getUTCSeconds())} GMT`;
  const asctime = (at: Date): string =>
    `${DAYS[at.getUTCDay()]?.slice(0, 3)} ${MONTHS[at.getUTCMonth()]} ${String(at.getUTCDate()).padStart(2, ' ')} ${two(at.getUTCHours())}:${two(at.getUTCMinutes())}:${two(at.getUTCSeconds())} ${at.getUTCFullYear()}`;
  const secondsFrom = fc.integer({ min: -86_400 * 30, max: 86_400 * 30 });
  const validHeader: fc.Arbitrary<{ headers: Record<string, string>; waitMs: number }> = fc.oneof(
    fc.nat({ max: 10_000_000 }).map((seconds) => ({ headers: { 'retry-after': String(seconds) }, waitMs: seconds * 1000 })),
    fc.tuple(fc.nat({ max: 9_999 }), fc.constantFrom('', ' ', '\t')).map(([seconds, pad]) => ({ headers: { 'retry-after': `${pad}${seconds}${pad}` }, waitMs: seconds * 1000 })),
    secondsFrom.map((s) => ({ headers: { 'retry-after': new Date(now + s * 1000).toUTCString() }, waitMs: Math.max(0, s * 1000) })),
    // rfc850 years have two digits: dates around now only.
    secondsFrom.map((s) => ({ headers: { 'retry-after': rfc850(new Date(now + s * 1000)) }, waitMs: Math.max(0, s * 1000) })),
    secondsFrom.map((s) => ({ headers: { 'retry-after': asctime(new Date(now + s * 1000)) }, waitMs: Math.max(0, s * 1000) })),
    fc.tuple(fc.nat({ max: 10_000_000 }), fc.option(fc.nat({ max: 999 }), { nil: undefined }), fc.option(fc.nat({ max: 100 }), { nil: undefined })).map(([ms, fraction, seconds]) => {
      const text = fraction === undefined ? String(ms) : `${ms}.${fraction}`;
      return { headers: { 'retry-after-ms': text, ...(seconds === undefined ? {} : { 'retry-after': String(seconds) }) }, waitMs: Number(text) };
    }),
  );

  test.prop([validHeader])('reads every form a server sends as the wait it means', ({ headers: sent, waitMs }) => {
    expect(parseRetryAfter(headers(sent), now)).toBe(waitMs);
  });

  // What no server should send: each answers undefined, so the caller's own backoff applies.
  const invalidValue = fc.oneof(
    fc.integer({ min: -1_000_000, max: -1 }).map(String),
    fc.tuple(fc.nat({ max: 1000 }), fc.integer({ min: 1, max: 999 })).map(([a, b]) => `${a}.${b}`),
    fc.nat({ max: 1000 }).map((n) => `${n}s`),
    fc.nat({ max: 1000 }).map((n) => `${n}e3`),
    fc.string({ minLength: 1, maxLength: 20 }).filter((text) => !/^\s*\d+\s*$/.test(text) && !/GMT|\d{4}$/.test(text)),
    secondsFrom.map((s) => new Date(now + s * 1000).toISOString()),
    fc.constantFrom('', 'soon', 'Tue', 'tomorrow 3pm', 'Sun, 06 Nov 1994 08:49:37 CET', 'Sun, 6 Nov 1994 08:49:37 GMT'),
  );
  test.prop([invalidValue])('answers undefined for a Retry-After that is neither delay-seconds nor an HTTP-date', (value) => {
    expect(parseRetryAfter(headers({ 'retry-after': value }), now)).toBeUndefined();
  });

  test.prop([invalidValue, fc.nat({ max: 100 })])('ignores a retry-after-ms it cannot read, falling back to Retry-After', (value, seconds) => {
    expect(parseRetryAfter(headers({ 'retry-after-ms': value.replace(/^\d+(?:\.\d+)?$/, 'x'), 'retry-after': String(seconds) }), now)).toBe(seconds * 1000);
  });

  test.prop([fc.string(), fc.string()])(
    'never answers a negative or non-finite wait, whatever the headers hold',
    (retryAfter, retryAfterMs) => {
      const ms = parseRetryAfter(headers({ 'retry-after': retryAfter, 'retry-after-ms': retryAfterMs }), now);
      expect(ms === undefined || (Number.isFinite(ms) && ms >= 0)).toBe(true);
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
