import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../../src/sim/memory-store.js';
import { createSimulation } from '../../src/sim/simulation.js';
import { forgeLegacyCollision, legacyFingerprint } from '../support/forge-legacy-key.js';
import { call, create, inSeries, poll, virtualClock } from '../support/sim-call.js';

const VICTIM = 'sk-aig-local-dev';
const FORGED = forgeLegacyCollision(VICTIM);

describe('a key built to collide with the old 32-bit fingerprint of another key', () => {
  it('is a different key with the same old fingerprint (so the tests below test something)', () => {
    expect(FORGED).not.toBe(VICTIM);
    expect(legacyFingerprint(FORGED)).toBe(legacyFingerprint(VICTIM));
  });

  it("cannot read the other key's job", async () => {
    const sim = createSimulation({ timing: 'steps', now: virtualClock().now });
    const job = (await create(sim, {}, { key: VICTIM })).json as { id: string };
    expect((await poll(sim, job.id, { key: VICTIM })).status).toBe(200);
    const stolen = await poll(sim, job.id, { key: FORGED });
    expect(stolen.status).toBe(404);
    expect(stolen.json.error.code).toBe('job_not_found');
  });

  it("cannot empty the other key's wallet, nor see it", async () => {
    const sim = createSimulation({ creditsCents: 1000, now: virtualClock().now });
    await create(sim, { duration: 3 }, { key: VICTIM });
    expect((await call(sim, 'PUT', '/__mock/wallet', { key: FORGED, body: { balance_cents: 0 } })).status).toBe(200);
    expect((await call(sim, 'GET', '/__mock/wallet', { key: VICTIM })).json).toMatchObject({ balance_cents: 970, spent_cents: 30 });
    expect((await call(sim, 'GET', '/__mock/wallet', { key: FORGED })).json).toMatchObject({ balance_cents: 0, spent_cents: 0 });
    expect((await create(sim, { duration: 1 }, { key: VICTIM })).status).toBe(202);
  });

  it('has its own fingerprint, its own journal and its own faults', async () => {
    const sim = createSimulation({ now: virtualClock().now });
    expect(await sim.fingerprint(FORGED)).not.toBe(await sim.fingerprint(VICTIM));
    await call(sim, 'POST', '/__mock/faults', { key: FORGED, body: { operation: 'getJob', status: 503 } });
    expect((await poll(sim, 'job_x', { key: VICTIM })).status).toBe(404);
    await poll(sim, 'job_y', { key: FORGED });
    const journal = (await call(sim, 'GET', '/__mock/journal', { key: VICTIM })).json as { entries: Array<{ path: string }> };
    expect(journal.entries.map((e) => e.path)).toEqual(['/v1/jobs/job_x']);
  });
});

describe('key fingerprints', () => {
  it('are all distinct over 200,000 random keys (the old 32-bit one had natural collisions there)', async () => {
    const sim = createSimulation();
    // Random tails from a seeded xorshift (seed 9): cheap to make, the same in every run.
    let x = 9;
    const next = (): string => {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      return (x >>> 0).toString(36);
    };
    const keys = Array.from({ length: 200_000 }, () => `sk-aig-${next()}${next()}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(new Set(keys.map(legacyFingerprint)).size).toBeLessThan(keys.length);
    const fingerprints = new Set<string>();
    for (const key of keys) fingerprints.add(await sim.fingerprint(key));
    expect(fingerprints.size).toBe(keys.length);
  });

  it('are long enough that collisions are negligible (128 bits) and show nothing of the key', async () => {
    const fingerprint = await createSimulation().fingerprint('sk-aig-abcdef');
    expect(fingerprint).toMatch(/^key_[0-9a-f]{32}$/);
    expect(fingerprint).not.toContain('abcdef');
  });

  it("depend on the store's secret, so a journal reader cannot test guesses of a key offline", async () => {
    const a = createSimulation();
    const b = createSimulation();
    expect(await a.fingerprint(VICTIM)).not.toBe(await b.fingerprint(VICTIM));
    const same = createSimulation({ keySecret: 'shared-by-two-simulations' });
    const again = createSimulation({ keySecret: 'shared-by-two-simulations' });
    expect(await same.fingerprint(VICTIM)).toBe(await again.fingerprint(VICTIM));
  });

  it('are the same for every simulation sharing a store, so replicas find the same accounts', async () => {
    const store = createMemoryStore();
    const first = createSimulation({ store, now: virtualClock().now });
    const second = createSimulation({ store, now: virtualClock().now });
    expect(await second.fingerprint(VICTIM)).toBe(await first.fingerprint(VICTIM));
    await call(first, 'PUT', '/__mock/wallet', { key: VICTIM, body: { balance_cents: 42 } });
    expect((await call(second, 'GET', '/__mock/wallet', { key: VICTIM })).json.balance_cents).toBe(42);
  });

  it('survive a reset of every key (the secret is kept)', async () => {
    const sim = createSimulation();
    const before = await sim.fingerprint(VICTIM);
    await sim.reset();
    expect(await createSimulation({ store: createMemoryStore() }).fingerprint(VICTIM)).not.toBe(before);
    expect(await sim.fingerprint(VICTIM)).toBe(before);
  });

  test.prop([fc.stringMatching(/^\S{1,60}$/), fc.stringMatching(/^\S{1,60}$/)])('never give two different keys the same account', async (a, b) => {
    fc.pre(a !== b);
    const sim = createSimulation({ creditsCents: 500, now: virtualClock().now });
    await call(sim, 'PUT', '/__mock/wallet', { key: `sk-aig-${a}`, body: { balance_cents: 0 } });
    expect((await call(sim, 'GET', '/__mock/wallet', { key: `sk-aig-${b}` })).json.balance_cents).toBe(500);
  });
});

describe("the store's fingerprint secret", () => {
  it('is the first one proposed, for every caller after, even when they propose at once', async () => {
    const store = createMemoryStore();
    const answers = await Promise.all(['first', 'second', 'third'].map((proposed) => store.fingerprintSecret(proposed)));
    expect(answers).toEqual(['first', 'first', 'first']);
    expect(await store.fingerprintSecret('later')).toBe('first');
    await store.reset(null);
    expect(await store.fingerprintSecret('after-reset')).toBe('first');
  });

  it('is not asked for when keySecret is given', async () => {
    const store = createMemoryStore();
    const given = createSimulation({ store, keySecret: 'given' });
    const byStore = createSimulation({ store });
    await given.fingerprint(VICTIM);
    expect(await store.fingerprintSecret('proposed-later')).toBe('proposed-later');
    expect(await byStore.fingerprint(VICTIM)).not.toBe(await given.fingerprint(VICTIM));
  });
});

describe('job ids and chance outcomes', () => {
  it('stay the same from run to run for the same seed and key, whatever the secret', async () => {
    const first = createSimulation({ seed: 4, failureRate: 0.5, now: virtualClock().now, keySecret: 'one' });
    const second = createSimulation({ seed: 4, failureRate: 0.5, now: virtualClock().now, keySecret: 'two' });
    const runOf = (sim: typeof first) =>
      inSeries([1, 2, 3, 4], async () => {
        const created = (await create(sim, { duration: 1 }, { key: VICTIM })).json as { id: string };
        return { id: created.id, status: (await poll(sim, created.id, { key: VICTIM })).json.status as string };
      });
    expect(await runOf(second)).toEqual(await runOf(first));
    expect(await first.fingerprint(VICTIM)).not.toBe(await second.fingerprint(VICTIM));
  });
});
