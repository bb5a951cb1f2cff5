import { describe, expect, it } from 'vitest';
import { validateResponse } from '../../src/contract/validate-response.js';
import { drawStream } from '../../src/sim/accounts.js';
import { createMemoryStore } from '../../src/sim/memory-store.js';
import { hexAt } from '../../src/sim/random.js';
import { createSimulation } from '../../src/sim/simulation.js';
import { jobRecord } from '../support/store-contract.js';
import { call, create, inSeries, poll, virtualClock } from '../support/sim-call.js';

const wallet = async (sim: ReturnType<typeof createSimulation>, key = 'sk-aig-test') => (await call(sim, 'GET', '/__mock/wallet', { key })).json;

describe('the wallet', () => {
  it("charges duration x the model's price per second ($0.10/s)", async () => {
    const sim = createSimulation({ creditsCents: 1000, now: virtualClock().now });
    await create(sim, { duration: 7 });
    expect(await wallet(sim)).toMatchObject({ balance_cents: 930, spent_cents: 70 });
  });

  it('answers 402 insufficient_credits, stating cost and balance, when the wallet cannot pay', async () => {
    const sim = createSimulation({ creditsCents: 60, now: virtualClock().now });
    expect((await create(sim, { duration: 5 })).status).toBe(202);
    const r = await create(sim, { duration: 5 });
    expect(r.status).toBe(402);
    expect(r.json.error).toMatchObject({ type: 'insufficient_credits' });
    expect(r.json.error.message).toContain('costs $0.50 and the wallet holds $0.10');
    expect(validateResponse('createVideo', 402, r.headers, r.json)).toEqual([]);
    expect((await wallet(sim)).balance_cents).toBe(10);
  });

  it('refunds a failed job once it has failed', async () => {
    const clock = virtualClock();
    const sim = createSimulation({ creditsCents: 1000, now: clock.now });
    await create(sim, { duration: 10 }, { headers: { prefer: 'outcome=failed' } });
    expect((await wallet(sim)).balance_cents).toBe(900);
    clock.tick(60_000);
    expect(await wallet(sim)).toMatchObject({ balance_cents: 1000, refunded_cents: 100 });
    await create(sim, { duration: 1 });
    expect(await wallet(sim)).toMatchObject({ balance_cents: 990, refunded_cents: 100 });
  });

  it('keeps wallets apart per key', async () => {
    const sim = createSimulation({ creditsCents: 50, now: virtualClock().now });
    expect((await create(sim, { duration: 5 }, { key: 'sk-aig-a' })).status).toBe(202);
    expect((await create(sim, { duration: 5 }, { key: 'sk-aig-a' })).status).toBe(402);
    expect((await create(sim, { duration: 5 }, { key: 'sk-aig-b' })).status).toBe(202);
  });

  it('refunds a failed job even when the store evicted it before anyone polled it', async () => {
    const clock = virtualClock();
    const sim = createSimulation({ creditsCents: 1000, maxJobs: 2, now: clock.now });
    await create(sim, { duration: 10 }, { headers: { prefer: 'outcome=failed' } });
    clock.tick(60_000);
    // Another key's jobs push the failed one out of the store before a poll or a wallet read settles it.
    await create(sim, { duration: 1 }, { key: 'sk-aig-other' });
    await create(sim, { duration: 1 }, { key: 'sk-aig-other' });
    expect(await sim.jobs()).toHaveLength(2);
    expect(await wallet(sim)).toMatchObject({ balance_cents: 1000, spent_cents: 100, refunded_cents: 100 });
  });

  it('refunds a job that was going to fail when the store evicts it before it ends', async () => {
    const sim = createSimulation({ creditsCents: 1000, maxJobs: 1, timing: 'steps', now: virtualClock().now });
    await create(sim, { duration: 10 }, { headers: { prefer: 'outcome=failed' } });
    await create(sim, { duration: 1 }, { key: 'sk-aig-other' });
    expect(await wallet(sim)).toMatchObject({ balance_cents: 1000, refunded_cents: 100 });
  });

  it('gives back the cost of a job evicted while it was still running, with the create that evicted it, and keeps that of one evicted after it completed', async () => {
    const clock = virtualClock();
    const sim = createSimulation({ creditsCents: 1000, maxJobs: 1, now: clock.now });
    // Queued 1 s, then 400 ms per video second: a 10 s job completes 5 s after its create.
    await create(sim, { duration: 10 });
    clock.tick(4_999);
    await create(sim, { duration: 1 }, { key: 'sk-aig-other' });
    expect(await wallet(sim)).toMatchObject({ balance_cents: 1000, spent_cents: 100, refunded_cents: 100 });
    await create(sim, { duration: 10 });
    clock.tick(5_000);
    await create(sim, { duration: 1 }, { key: 'sk-aig-other' });
    expect(await wallet(sim)).toMatchObject({ balance_cents: 900, spent_cents: 200, refunded_cents: 100 });
  });

  it('takes the next salted id when the store holds the one the seed gives already, the same one for the same seed, and charges once', async () => {
    const seeded = (store = createMemoryStore()) => createSimulation({ seed: 7, creditsCents: 1000, store, now: virtualClock().now });
    const usual = (await create(seeded(), { duration: 1 })).json.id as string;
    expect(usual).toBe(`job_${hexAt(24, 7, drawStream('sk-aig-test'), 0, 'job')}`);
    const salted = async (): Promise<[string, unknown]> => {
      const store = createMemoryStore();
      // Another key's job holds the id this create would take.
      await store.createJob(jobRecord({ id: usual, key: 'key_other', costCents: 0 }), { startingCents: 0, maxJobs: 10, ttlMs: 60_000, nowMs: 1_000 });
      const sim = seeded(store);
      const id = (await create(sim, { duration: 1 })).json.id as string;
      return [id, await wallet(sim)];
    };
    const [id, after] = await salted();
    expect(id).toBe(`job_${hexAt(24, 7, drawStream('sk-aig-test'), 0, 'job', 1)}`);
    expect((await salted())[0]).toBe(id);
    expect(after).toMatchObject({ balance_cents: 990, spent_cents: 10 });
  });

  it('lets a test empty a wallet through the control API', async () => {
    const sim = createSimulation({ now: virtualClock().now });
    expect((await call(sim, 'PUT', '/__mock/wallet', { body: { balance_cents: 0 } })).status).toBe(200);
    expect((await create(sim)).status).toBe(402);
  });
});

describe('the rate limiter', () => {
  it('answers 429 with Retry-After once a key is over its requests per minute, then lets it through after the window', async () => {
    const clock = virtualClock();
    const sim = createSimulation({ rpm: 3, now: clock.now });
    const remaining = await inSeries([1, 2, 3], async () => (await poll(sim, 'job_x')).headers['x-ratelimit-remaining-requests']);
    expect(remaining).toEqual(['2', '1', '0']);
    clock.tick(20_000);
    const limited = await poll(sim, 'job_x');
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('40');
    expect(limited.json.error.type).toBe('rate_limit_error');
    expect(validateResponse('getJob', 429, limited.headers, limited.json)).toEqual([]);
    clock.tick(40_000);
    expect((await poll(sim, 'job_x')).status).toBe(404);
  });

  it('puts the rate-limit headers on every answer to a known key', async () => {
    const sim = createSimulation({ now: virtualClock().now });
    const r = await create(sim);
    expect(r.headers).toMatchObject({ 'x-ratelimit-limit-requests': '600', 'x-ratelimit-remaining-requests': '599' });
    expect(Number(r.headers['x-ratelimit-reset-requests'])).toBeGreaterThanOrEqual(1);
  });

  it('limits each key on its own', async () => {
    const sim = createSimulation({ rpm: 1, now: virtualClock().now });
    expect((await poll(sim, 'j', { key: 'sk-aig-a' })).status).toBe(404);
    expect((await poll(sim, 'j', { key: 'sk-aig-a' })).status).toBe(429);
    expect((await poll(sim, 'j', { key: 'sk-aig-b' })).status).toBe(404);
  });
});

describe('faults', () => {
  it('answers the next N requests of an operation for a key with the armed status, then behaves', async () => {
    const sim = createSimulation({ timing: 'steps', now: virtualClock().now });
    const id = (await create(sim)).json.id;
    const armed = await call(sim, 'POST', '/__mock/faults', { body: { operation: 'getJob', status: 503, count: 2, retry_after: 1 } });
    expect(armed.status).toBe(201);
    expect((await poll(sim, id, { key: 'sk-aig-other' })).status).toBe(404);
    const first = await poll(sim, id);
    expect(first.status).toBe(503);
    expect(first.headers['retry-after']).toBe('1');
    expect((await poll(sim, id)).status).toBe(503);
    expect((await create(sim)).status).toBe(202);
    expect((await poll(sim, id)).json.status).toBe('processing');
  });

  it('arms a 503 without Retry-After on request, lists what each fault sends, and refuses none for a 429', async () => {
    const sim = createSimulation({ timing: 'steps', now: virtualClock().now });
    const id = (await create(sim)).json.id;
    const bare = await call(sim, 'POST', '/__mock/faults', { body: { operation: 'getJob', status: 503, retry_after: null } });
    expect(bare.json).toMatchObject({ status: 503, retry_after: null });
    const plain = await call(sim, 'POST', '/__mock/faults', { body: { operation: 'getJob', status: 503 } });
    expect(plain.json).toMatchObject({ status: 503, retry_after: 2 });
    const first = await poll(sim, id);
    expect(first.status).toBe(503);
    expect(first.headers).not.toHaveProperty('retry-after');
    expect(validateResponse('getJob', 503, first.headers, first.json)).toEqual([]);
    expect((await poll(sim, id)).headers['retry-after']).toBe('2');
    for (const status of [429, 500]) {
      const refused = await call(sim, 'POST', '/__mock/faults', { body: { operation: 'getJob', status, retry_after: null } });
      expect(refused.status).toBe(400);
      expect(refused.json.error).toMatchObject({ code: 'invalid_value', param: 'retry_after' });
      expect(validateResponse('mockAddFault', 400, refused.headers, refused.json)).toEqual([]);
    }
    expect((await call(sim, 'GET', '/__mock/faults')).json.faults).toEqual([]);
  });

  it('breaks the socket on request, for the adapter to play', async () => {
    const sim = createSimulation({ now: virtualClock().now });
    await call(sim, 'POST', '/__mock/faults', { body: { operation: '*', socket: 'reset' } });
    expect((await poll(sim, 'job_x')).response.socketFault).toBe('reset');
    expect((await poll(sim, 'job_x')).response.socketFault).toBeNull();
  });

  it.each([
    ['reset', 0],
    ['empty', 0],
    ['malformed_chunk', 200],
    ['truncated', 200],
    ['malformed_json', 200],
  ] as const)('journals a %s fault with the status line the client saw (%i when none)', async (socket, status) => {
    const sim = createSimulation({ now: virtualClock().now });
    await call(sim, 'POST', '/__mock/faults', { body: { operation: 'getJob', socket } });
    await poll(sim, 'job_x');
    expect((await sim.journal()).at(-1)).toMatchObject({ status, fault: `socket:${socket}` });
  });

  it('keeps at most 100 armed faults per key, and says so in the envelope when asked for more', async () => {
    const sim = sim0();
    for (let i = 0; i < 100; i++) expect((await call(sim, 'POST', '/__mock/faults', { body: { operation: 'getJob', status: 503 } })).status).toBe(201);
    const over = await call(sim, 'POST', '/__mock/faults', { body: { operation: 'getJob', status: 503 } });
    expect(over.status).toBe(400);
    expect(over.json.error).toMatchObject({ type: 'invalid_request_error', code: 'too_many_faults', param: null });
    expect(over.json.error.message).toContain('100');
    expect(validateResponse('mockAddFault', 400, over.headers, over.json)).toEqual([]);
    expect((await call(sim, 'GET', '/__mock/faults')).json.faults).toHaveLength(100);
    // Another key has its own 100; disarming makes room again.
    expect((await call(sim, 'POST', '/__mock/faults', { key: 'sk-aig-other', body: { operation: 'getJob', status: 503 } })).status).toBe(201);
    await call(sim, 'DELETE', '/__mock/faults');
    expect((await call(sim, 'POST', '/__mock/faults', { body: { operation: 'getJob', status: 503 } })).status).toBe(201);
  });

  it('keeps at most maxFaultsPerKey armed faults when the simulation sets another bound', async () => {
    const sim = createSimulation({ maxFaultsPerKey: 2, now: virtualClock().now });
    for (let i = 0; i < 2; i++) expect((await call(sim, 'POST', '/__mock/faults', { body: { operation: 'getJob', status: 503 } })).status).toBe(201);
    const over = await call(sim, 'POST', '/__mock/faults', { body: { operation: 'getJob', status: 503 } });
    expect(over.json.error).toMatchObject({ code: 'too_many_faults' });
    expect(over.json.error.message).toContain('At most 2 faults');
  });

  it('refuses to arm a status the operation does not document', async () => {
    const r = await call(sim0(), 'POST', '/__mock/faults', { body: { operation: 'getJob', status: 402 } });
    expect(r.status).toBe(400);
    expect(r.json.error.param).toBe('status');
  });

  it('replays the same seeded faults and failures for the same requests', async () => {
    const run = () => {
      const sim = createSimulation({ seed: 7, faultRate: 0.3, failureRate: 0.3, timing: 'steps', now: virtualClock().now });
      return inSeries(Array.from({ length: 40 }), async () => {
        const r = await create(sim);
        return r.status === 202 ? `${(await poll(sim, r.json.id)).status}:${(await poll(sim, r.json.id)).json?.status}` : String(r.status);
      });
    };
    const first = await run();
    expect(await run()).toEqual(first);
    expect(new Set(first).size).toBeGreaterThan(2);
  });

  it("keeps one key's seeded outcomes the same whatever another key does meanwhile", async () => {
    const outcomes = (interleave: boolean) => {
      const sim = createSimulation({ seed: 3, failureRate: 0.5, timing: 'steps', now: virtualClock().now });
      return inSeries(Array.from({ length: 20 }), async () => {
        if (interleave) await create(sim, {}, { key: 'sk-aig-noise' });
        const id = (await create(sim, {}, { key: 'sk-aig-me' })).json.id;
        await poll(sim, id, { key: 'sk-aig-me' });
        return (await poll(sim, id, { key: 'sk-aig-me' })).json.status;
      });
    };
    expect(await outcomes(true)).toEqual(await outcomes(false));
  });
});

function sim0() {
  return createSimulation({ now: virtualClock().now });
}
