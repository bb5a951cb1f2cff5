import type { RetryBackoff } from './client-options.js';

/**
 * The wait before retry number `retry` (1 for the first retry): "equal jitter", half of
 * min(maxDelayMs, baseDelayMs * 2^(retry-1)) for sure plus a uniformly random part of the other
 * half (AWS Architecture Blog, "Exponential Backoff And Jitter", 2015). The random half still
 * spreads clients that failed together; the fixed half is a floor, so no retry comes at once:
 * with the defaults the first one waits 250 to 500 ms. (Full jitter, a random time below the
 * whole ceiling, sometimes retried a create 38 ms after a 500: hammering, not backing off.)
 */
export function backoffDelay(retry: number, random: () => number, backoff: RetryBackoff): number {
  // The exponent is capped so a zero base never meets an infinite power (0 * Infinity is NaN).
  const ceiling = Math.min(backoff.maxDelayMs, backoff.baseDelayMs * 2 ** Math.min(Math.max(0, retry - 1), 64));
  const fraction = Math.min(1, Math.max(0, random()));
  return Math.floor((ceiling + fraction * ceiling) / 2);
}
