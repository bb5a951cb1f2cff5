import type { Core } from './core.js';
import { refundDue } from './lifecycle.js';
import { hexAt } from './random.js';
import type { Admission, WalletRecord } from './store.js';

const streams = new Map<string, string>();

/**
 * Where a key's random draws and job ids come from: a function of the key alone, so that a seed
 * replays the same ids and outcomes whatever the fingerprint secret. Never shown, and never used
 * to tell keys apart: two keys may share it (their accounts, scoped by `fingerprintOf`, stay apart).
 */
export function drawStream(apiKey: string): string {
  let stream = streams.get(apiKey);
  if (stream === undefined) {
    stream = `key_${hexAt(12, 0x5eed, 'fingerprint', apiKey)}`;
    // A pure function of the key, remembered for the keys in use (bounded: any number of keys may come).
    if (streams.size >= 1024) streams.clear();
    streams.set(apiKey, stream);
  }
  return stream;
}

/**
 * Refunds every job of the key that has failed or was cancelled by now (neither costs anything).
 * `maybePending` false (the store's hint at admission) spares the lookup. Answers the wallet after
 * the last refund, or null when there was none.
 */
export async function settleRefunds(core: Core, key: string, nowMs: number, maybePending = true): Promise<WalletRecord | null> {
  if (!maybePending) return null;
  const pending = await core.store.jobs({ key, pendingRefund: true });
  let wallet: WalletRecord | null = null;
  for (const job of pending) {
    if (refundDue(job, nowMs)) wallet = (await core.store.refundJob(job.id, core.config.creditsCents)) ?? wallet;
  }
  return wallet;
}

/** The key's wallet with the refunds due by now settled. */
export async function settledWallet(core: Core, key: string, nowMs: number): Promise<WalletRecord> {
  await settleRefunds(core, key, nowMs);
  return core.store.wallet(key, core.config.creditsCents);
}

export const WINDOW_MS = 60_000;

export interface RateLimitReading {
  limit: number;
  remaining: number;
  resetSeconds: number;
  /** Seconds to wait, when this request is over the limit. */
  retryAfter: number | null;
}

/**
 * What the key's fixed one-minute window says of this request. The gateway's docs give
 * requests-per-minute tiers and `x-ratelimit-*` headers; a fixed window keeps `remaining`
 * monotonic within a window, which clients and the contract suite can check.
 */
export function readRateLimit(admission: Admission, rpm: number, nowMs: number): RateLimitReading {
  const resetSeconds = Math.max(1, Math.ceil((admission.windowStartMs + WINDOW_MS - nowMs) / 1000));
  return {
    limit: rpm,
    remaining: Math.max(0, rpm - admission.windowCount),
    resetSeconds,
    retryAfter: admission.limited ? resetSeconds : null,
  };
}

export const rateLimitHeaders = (r: RateLimitReading): Record<string, string> => addRateLimitHeaders({}, r);

/** Adds the `x-ratelimit-*` headers to an answer's headers (what `rateLimitHeaders` holds, without a copy). */
export function addRateLimitHeaders(headers: Record<string, string>, r: RateLimitReading): Record<string, string> {
  headers['x-ratelimit-limit-requests'] = String(r.limit);
  headers['x-ratelimit-remaining-requests'] = String(r.remaining);
  headers['x-ratelimit-reset-requests'] = String(r.resetSeconds);
  return headers;
}
