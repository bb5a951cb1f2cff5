import type { RetryBackoff } from './client-options.js';

/**
 * The wait before retry number `retry` (1 for the first retry): "full jitter", a uniformly random
 * time below min(maxDelayMs, baseDelayMs * 2^(retry-1)). Full jitter spreads clients that failed
 * together (AWS Architecture Blog, "Exponential Backoff And Jitter", 2015).
 */
export function backoffDelay(retry: number, random: () => number, backoff: RetryBackoff): number {
  // The exponent is capped so a zero base never meets an infinite power (0 * Infinity is NaN).
  const ceiling = Math.min(backoff.maxDelayMs, backoff.baseDelayMs * 2 ** Math.min(Math.max(0, retry - 1), 64));
  const fraction = Math.min(1, Math.max(0, random()));
  return Math.floor(fraction * ceiling);
}
