import { phaseOf } from './lifecycle.js';
import { hexAt } from './random.js';
import type { Account, SimState } from './state.js';

const fingerprints = new Map<string, string>();

/** A stable, non-reversible name for an API key: journals, wallets and reports show this, never the key. */
export function keyFingerprint(apiKey: string): string {
  let fingerprint = fingerprints.get(apiKey);
  if (fingerprint === undefined) {
    fingerprint = `key_${hexAt(12, 0x5eed, 'fingerprint', apiKey)}`;
    // A pure function of the key, remembered for the keys in use (bounded: any number of keys may come).
    if (fingerprints.size >= 1024) fingerprints.clear();
    fingerprints.set(apiKey, fingerprint);
  }
  return fingerprint;
}

/** The key's account, created with the starting credit on first use; marks it most recently used. */
export function accountFor(state: SimState, key: string): Account {
  let account = state.accounts.get(key);
  if (account !== undefined) {
    // Move it to the end (most recently used). With one key it is there already, and delete+set
    // would only leave a hole in the Map for the next rehash (the bench's single-key load).
    if (state.accounts.size > 1) {
      state.accounts.delete(key);
      state.accounts.set(key, account);
    }
    return account;
  }
  account = {
    key,
    balanceCents: state.config.creditsCents,
    spentCents: 0,
    refundedCents: 0,
    seq: 0,
    pendingRefunds: [],
    windowStartMs: 0,
    windowCount: 0,
    faults: [],
  };
  state.dirty.accounts.add(key);
  while (state.accounts.size >= state.config.maxAccounts) {
    const oldest = state.accounts.keys().next().value;
    if (oldest === undefined) break;
    state.accounts.delete(oldest);
    state.dirty.accounts.add(oldest);
  }
  state.accounts.set(key, account);
  return account;
}

/** Refunds every job of the account that has failed by now (failed jobs cost nothing). */
export function settleRefunds(state: SimState, account: Account, nowMs: number): void {
  if (account.pendingRefunds.length === 0) return;
  const stillPending: string[] = [];
  for (const id of account.pendingRefunds) {
    const job = state.jobs.get(id);
    if (job === undefined || job.refunded) continue;
    const status = phaseOf(job, nowMs).status;
    if (status === 'failed') {
      job.refunded = true;
      account.balanceCents += job.costCents;
      account.refundedCents += job.costCents;
      state.dirty.jobs.add(id);
      state.dirty.accounts.add(account.key);
    } else if (status !== 'completed') stillPending.push(id);
  }
  if (stillPending.length !== account.pendingRefunds.length) {
    account.pendingRefunds = stillPending;
    state.dirty.accounts.add(account.key);
  }
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
 * Counts a request against the key's fixed one-minute window. The gateway's docs give
 * requests-per-minute tiers and `x-ratelimit-*` headers; a fixed window keeps `remaining`
 * monotonic within a window, which clients and the contract suite can check.
 */
export function countRequest(account: Account, rpm: number, nowMs: number): RateLimitReading {
  if (nowMs - account.windowStartMs >= WINDOW_MS || nowMs < account.windowStartMs) {
    account.windowStartMs = nowMs;
    account.windowCount = 0;
  }
  const resetSeconds = Math.max(1, Math.ceil((account.windowStartMs + WINDOW_MS - nowMs) / 1000));
  if (account.windowCount >= rpm) {
    return { limit: rpm, remaining: 0, resetSeconds, retryAfter: resetSeconds };
  }
  account.windowCount += 1;
  return { limit: rpm, remaining: rpm - account.windowCount, resetSeconds, retryAfter: null };
}

export const rateLimitHeaders = (r: RateLimitReading): Record<string, string> => ({
  'x-ratelimit-limit-requests': String(r.limit),
  'x-ratelimit-remaining-requests': String(r.remaining),
  'x-ratelimit-reset-requests': String(r.resetSeconds),
});
