import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../src/sim/memory-store.js';
import { createSimulation } from '../../src/sim/simulation.js';
import { call, create, poll, virtualClock } from '../support/sim-call.js';

// The bounds the README promises by default: 10,000 jobs for 24 hours, 1,000 journal entries,
// 10,000 keys' wallets. Each is checked with the defaults, not with a bound the test sets.

describe('the default store bounds', () => {
  it('keeps 10,000 jobs, forgetting the oldest first', async () => {
    // Credit and rate limit out of the way (they are not store bounds).
    const sim = createSimulation({ creditsCents: 100_000_000, rpm: 1_000_000, now: virtualClock().now });
    const first = (await create(sim, { duration: 1 })).json.id as string;
    const second = (await create(sim, { duration: 1 })).json.id as string;
    for (let i = 2; i < 10_000; i++) await create(sim, { duration: 1 });
    expect(await sim.jobs()).toHaveLength(10_000);
    expect((await poll(sim, first)).status).toBe(200);
    await create(sim, { duration: 1 });
    expect(await sim.jobs()).toHaveLength(10_000);
    expect((await poll(sim, first)).status).toBe(404);
    expect((await poll(sim, second)).status).toBe(200);
  });

  it('keeps a job for 24 hours of mock time', async () => {
    const clock = virtualClock();
    const sim = createSimulation({ now: clock.now });
    const id = (await create(sim)).json.id as string;
    clock.tick(24 * 3600_000 - 1);
    expect((await poll(sim, id)).status).toBe(200);
    clock.tick(1);
    expect((await poll(sim, id)).status).toBe(404);
  });

  it('keeps the newest 1,000 journal entries', async () => {
    const sim = createSimulation({ now: virtualClock().now });
    for (let i = 0; i < 1_001; i++) await call(sim, 'GET', `/v1/jobs/job_${i}`);
    const entries = (await call(sim, 'GET', '/__mock/journal')).json.entries as Array<{ seq: number; path: string }>;
    expect(entries).toHaveLength(1_000);
    expect(entries[0]?.path).toBe('/v1/jobs/job_1');
    expect(entries.at(-1)?.path).toBe('/v1/jobs/job_1000');
  });

  it("keeps 10,000 keys' wallets, forgetting the least recently used first", async () => {
    const store = createMemoryStore();
    const sim = createSimulation({ store, now: virtualClock().now });
    await call(sim, 'PUT', '/__mock/wallet', { key: 'sk-aig-first', body: { balance_cents: 7 } });
    await call(sim, 'PUT', '/__mock/wallet', { key: 'sk-aig-kept', body: { balance_cents: 8 } });
    for (let i = 0; i < 9_998; i++) await call(sim, 'GET', '/v1/models', { key: `sk-aig-k${i}` });
    expect((await store.counts()).keys).toBe(10_000);
    // Using a key makes it the most recent: 'kept' survives the next new key, 'first' does not.
    expect((await call(sim, 'GET', '/__mock/wallet', { key: 'sk-aig-kept' })).json.balance_cents).toBe(8);
    await call(sim, 'GET', '/v1/models', { key: 'sk-aig-newcomer' });
    expect((await store.counts()).keys).toBe(10_000);
    expect((await call(sim, 'GET', '/__mock/wallet', { key: 'sk-aig-kept' })).json.balance_cents).toBe(8);
    expect((await call(sim, 'GET', '/__mock/wallet', { key: 'sk-aig-first' })).json.balance_cents).toBe(10_000);
  });
});
