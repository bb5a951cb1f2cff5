import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../src/sim/memory-store.js';
import { createSimulation } from '../../src/sim/simulation.js';
import { call, create, poll, virtualClock } from '../support/sim-call.js';
import { jobRecord } from '../support/store-contract.js';
import type { JobRecord } from '../../src/sim/store.js';

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

describe('the in-memory store over a long run', () => {
  type Step = { op: 'create'; key: string; dt: number } | { op: 'resetKey'; key: string } | { op: 'touch'; nth: number } | { op: 'restore' };
  const create = fc.record({ op: fc.constant('create' as const), key: fc.constantFrom('key_a', 'key_b'), dt: fc.integer({ min: 0, max: 4_000 }) });
  const resetKey = fc.record({ op: fc.constant('resetKey' as const), key: fc.constantFrom('key_a', 'key_b') });
  const touch = fc.record({ op: fc.constant('touch' as const), nth: fc.nat(4) });
  const restore = fc.record({ op: fc.constant('restore' as const) });
  // Long enough, before any whole restore, that the store drops the records it skipped.
  const longRun = fc.array(fc.oneof({ weight: 20, arbitrary: create }, resetKey, touch), { minLength: 1_200, maxLength: 1_600 });
  const thenAnything = fc.array(fc.oneof({ weight: 5, arbitrary: create }, resetKey, touch, restore), { maxLength: 150 });

  test.prop([longRun, thenAnything], { numRuns: 10 })(
    'evicts expired jobs and the oldest beyond the limit, in the order they were put, whatever was removed or put again before',
    async (first, then) => {
      const steps: Step[] = [...first, ...then];
      const store = createMemoryStore();
      const limits = { startingCents: 1_000_000, maxJobs: 5, ttlMs: 10_000 };
      // The model: the jobs held, in the order they were put.
      let held: JobRecord[] = [];
      let now = 0;
      let made = 0;
      for (const step of steps) {
        if (step.op === 'resetKey') {
          await store.reset(step.key);
          held = held.filter((job) => job.key !== step.key);
        } else if (step.op === 'restore') {
          // A state file compacted and read again: every job put again, in the same order.
          store.restore(store.snapshot());
        } else if (step.op === 'touch') {
          // A state file's change log read again: a job written down again is put again, so it comes last.
          const job = held[step.nth];
          if (job === undefined) continue;
          store.restore([{ t: 'job', job: { ...job, polls: job.polls + 1 } }]);
          held = [...held.filter((j) => j.id !== job.id), { ...job, polls: job.polls + 1 }];
        } else {
          now += step.dt;
          const job = jobRecord({ id: `job_${made++}`, key: step.key, createdMs: now, costCents: 0 });
          const evicted: JobRecord[] = [];
          while (held.length > 0 && ((held[0]?.createdMs ?? 0) + limits.ttlMs <= now || held.length >= limits.maxJobs)) evicted.push(held.shift() as JobRecord);
          held.push(job);
          const created = await store.createJob(job, { ...limits, nowMs: now });
          expect(created.ok && created.evicted).toEqual(evicted.map((j) => j.id));
        }
        expect(await store.jobs()).toEqual(held);
      }
    },
  );
});
