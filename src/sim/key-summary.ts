import type { components as AdminComponents } from '../generated/admin-api.js';
import { settleRefunds, WINDOW_MS } from './accounts.js';
import type { Core } from './core.js';
import type { KeyQuery, KeyRecord } from './store.js';

type Schemas = AdminComponents['schemas'];
export type KeySummary = Schemas['KeySummary'];

/** The key's fixed one-minute window at a time: what its next answer's `x-ratelimit-*` headers would say. */
export function rateMeter(record: Pick<KeyRecord, 'windowStartMs' | 'windowCount'>, rpm: number, nowMs: number): Schemas['RateLimitMeter'] {
  const open = record.windowCount > 0 && nowMs >= record.windowStartMs && nowMs - record.windowStartMs < WINDOW_MS;
  const used = open ? Math.min(record.windowCount, rpm) : 0;
  return { limit: rpm, used, remaining: rpm - used, resets_at: open ? record.windowStartMs + WINDOW_MS : null };
}

/**
 * A key as the dashboard shows it, its refunds due by now settled. A key known only by the faults
 * armed for it shows the wallet it will get on its first request (none is created by looking).
 */
export async function keySummary(core: Core, record: KeyRecord, nowMs: number): Promise<KeySummary> {
  const { config } = core;
  const settled = record.wallet === null ? null : ((await settleRefunds(core, record.key, nowMs)) ?? record.wallet);
  const wallet = settled ?? { key: record.key, balanceCents: config.creditsCents, spentCents: 0, refundedCents: 0 };
  return {
    key: record.key,
    wallet: { key: record.key, balance_cents: wallet.balanceCents, spent_cents: wallet.spentCents, refunded_cents: wallet.refundedCents },
    rate_limit: rateMeter(record, config.rpm, nowMs),
    faults: record.faults,
  };
}

/** A page of keys (most recently used first) as the dashboard shows them. */
export async function keySummaries(core: Core, query: KeyQuery, nowMs: number): Promise<{ total: number; keys: KeySummary[] }> {
  const { total, keys } = await core.store.keys(query);
  const summaries: KeySummary[] = [];
  for (const record of keys) summaries.push(await keySummary(core, record, nowMs));
  return { total, keys: summaries };
}
