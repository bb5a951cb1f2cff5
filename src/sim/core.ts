import type { components as AdminComponents } from '../generated/admin-api.js';
import type { SimConfig } from './config.js';
import { createKeyHasher, newKeySecret, type KeyHasher } from './key-hash.js';
import type { AdmitLimits, OpenedRequest, Store } from './store.js';

/** Whether what the mock answers is also written down (`GET /__mock/health` shows it). */
export type Persistence = AdminComponents['schemas']['Persistence'];

/**
 * What every rule reads: the configuration, the store, and the clock. The clock is the time source
 * plus the store's shared offset, and never runs backwards in this process even when the source does.
 */
export interface Core {
  readonly config: SimConfig;
  readonly store: Store;
  /** The time source (unix ms): `Date.now`, or a test's virtual clock. */
  readonly source: () => number;
  /** A monotonic clock for durations (`performance.now`). */
  readonly perfNow: () => number;
  /** The offset last read from the store. */
  offsetMs: number;
  /** The latest time handed out. */
  lastNowMs: number;
  /**
   * The event streams open in this process, told at once of what this process's control calls
   * changed (another process's changes reach them when they next read the store).
   */
  readonly feeds: Set<(notice: FeedNotice) => void>;
  /** Names API keys; made on first use from the config's `keySecret` or the store's secret. */
  keys: Promise<KeyHasher> | null;
  /** What the adapter that persists the store reports (`Simulation.setPersistence`); the core only shows it. */
  persistence: Persistence;
}

/** What a control call changed, for the open event streams. */
export interface FeedNotice {
  /** Keys whose wallet or faults changed. */
  keys?: readonly string[];
  /** Jobs may be gone: read them all again. */
  rescan?: boolean;
  /** The state changed wholesale (`reset`, `journal-cleared`): clients should read their listings again. */
  resync?: string;
}

/** Tells every open event stream of this process what a control call changed. */
export function notifyFeeds(core: Core, notice: FeedNotice): void {
  for (const listener of core.feeds) listener(notice);
}

/** The mock's time now, with the offset last read from the store. */
export function nowOf(core: Core): number {
  const now = Math.max(core.lastNowMs, Math.floor(core.source()) + core.offsetMs);
  core.lastNowMs = now;
  return now;
}

/** The mock's time now, after reading the shared offset (another process may have moved it). */
export async function syncedNow(core: Core): Promise<number> {
  core.offsetMs = await core.store.clockOffset();
  return nowOf(core);
}

/**
 * The start of an API request in one step of the store: the shared offset read, the request's time,
 * the key admitted at that time and the job the path names read (`Store.openRequest`).
 */
export async function openRequest(core: Core, admit: { key: string; limits: AdmitLimits } | null, jobId: string | null): Promise<OpenedRequest> {
  const opened = await core.store.openRequest({ sourceMs: Math.floor(core.source()), floorMs: core.lastNowMs, admit, jobId });
  core.offsetMs = opened.offsetMs;
  core.lastNowMs = Math.max(core.lastNowMs, opened.nowMs);
  return opened;
}

/**
 * The fingerprint of an API key: `key_` + 128 bits of HMAC-SHA256 with the store's secret (or the
 * config's `keySecret`), what scopes the key's account and what journals and wallets show.
 */
export async function fingerprintOf(core: Core, apiKey: string): Promise<string> {
  if (core.keys === null) {
    const { keySecret } = core.config;
    // The secret never changes once the store has one: asked once per process (the first caller's
    // promise is shared), again only if asking failed (a shared store unreachable for a moment).
    const pending = (keySecret !== null ? Promise.resolve(keySecret) : core.store.fingerprintSecret(newKeySecret())).then(createKeyHasher);
    core.keys = pending;
    pending.catch(() => {
      if (core.keys === pending) core.keys = null;
    });
  }
  return (await core.keys).fingerprint(apiKey);
}
