import { describe, expect, it } from 'vitest';
import { validateResponse } from '../../src/contract/validate-response.js';
import { createKeyHasher } from '../../src/sim/key-hash.js';
import { createSimulation, type Simulation } from '../../src/sim/simulation.js';
import { call, create, inSeries, poll, virtualClock } from '../support/sim-call.js';

// One fingerprint secret for every simulation here, so that the fingerprints below are theirs.
const SECRET = 'fingerprints-known-to-the-test';
const keys = createKeyHasher(SECRET);
const fingerprint = keys.fingerprint('sk-aig-test');
const other = keys.fingerprint('sk-aig-other');

/** A control call with no key in Authorization: the dashboard's way. */
const control = (sim: Simulation, method: string, url: string, body?: unknown) =>
  call(sim, method, url, { key: null, ...(body === undefined ? {} : { body }) });

/** Every answer of these routes is one the admin spec documents. */
async function checked(sim: Simulation, operationId: string, method: string, url: string, body?: unknown) {
  const r = await control(sim, method, url, body);
  expect(validateResponse(operationId, r.status, r.headers, r.json ?? undefined), `${method} ${url} answered ${r.status}`).toEqual([]);
  return r;
}

describe('GET /__mock/jobs', () => {
  it('lists every key\'s jobs newest first, each with its status now, and counts every status', async () => {
    const clock = virtualClock();
    const sim = createSimulation({ keySecret: SECRET, now: clock.now });
    const first = (await create(sim, { duration: 2 })).json.id;
    clock.tick(1500);
    const second = (await create(sim, { duration: 20 }, { key: 'sk-aig-other' })).json.id;
    const page = (await checked(sim, 'mockListJobs', 'GET', '/__mock/jobs')).json;
    expect(page.jobs.map((j: { id: string }) => j.id)).toEqual([second, first]);
    expect(page.jobs[1]).toMatchObject({ status: 'processing', key: fingerprint, duration: 2, cost_cents: 20, timing: 'realtime' });
    expect(page.jobs[1].progress_rate).toBeCloseTo(125);
    expect(page.jobs[0]).toMatchObject({ status: 'queued', key: other, progress_rate: null, result: null });
    expect(page.counts).toEqual({ queued: 1, processing: 1, completed: 0, failed: 0, cancelled: 0 });
    expect(page).toMatchObject({ total: 2, offset: 0, limit: 50, now: clock.now() });
  });

  it('selects by key fingerprint and status, and pages through the selection', async () => {
    const clock = virtualClock();
    const sim = createSimulation({ keySecret: SECRET, now: clock.now });
    const mine = await inSeries([1, 2, 3, 4, 5], async () => (await create(sim, { duration: 1 })).json.id);
    await create(sim, { duration: 1 }, { key: 'sk-aig-other' });
    clock.tick(60_000);
    const page = (await checked(sim, 'mockListJobs', 'GET', `/__mock/jobs?key=${fingerprint}&status=completed&offset=1&limit=2`)).json;
    expect(page.jobs.map((j: { id: string }) => j.id)).toEqual([mine[3], mine[2]]);
    expect(page.total).toBe(5);
    expect(page.counts.completed).toBe(5);
    expect(page.jobs[0].result).toMatchObject({ duration: 1, url: `http://127.0.0.1:4010/v1/files/jobs/${mine[3]}/video.mp4` });
  });

  it('refuses a status no dialect knows, and a malformed key, naming the field', async () => {
    const sim = createSimulation({ keySecret: SECRET, now: virtualClock().now });
    const status = await checked(sim, 'mockListJobs', 'GET', '/__mock/jobs?status=done');
    expect(status.status).toBe(400);
    expect(status.json.error).toMatchObject({ param: 'status', code: 'invalid_value' });
    expect(status.json.error.message).toContain('queued');
    const key = await checked(sim, 'mockListJobs', 'GET', '/__mock/jobs?key=sk-aig-test');
    expect(key.status).toBe(400);
    expect(key.json.error.param).toBe('key');
  });

  it('answers one job by id, and 404 for an id it does not hold', async () => {
    const sim = createSimulation({ keySecret: SECRET, now: virtualClock().now });
    const id = (await create(sim, { webhook_url: 'http://127.0.0.1:9/hook?token=sk-aig-leak' })).json.id;
    const job = (await checked(sim, 'mockGetJob', 'GET', `/__mock/jobs/${id}`)).json;
    expect(job).toMatchObject({ id, status: 'queued', webhook: { delivered: false } });
    expect(job.webhook.url).not.toContain('sk-aig-leak');
    const missing = await checked(sim, 'mockGetJob', 'GET', '/__mock/jobs/job_nope');
    expect(missing.status).toBe(404);
    expect(missing.json.error).toMatchObject({ code: 'job_not_found', param: 'job_id' });
  });
});

describe('GET /__mock/keys', () => {
  it('lists keys most recently used first, with wallet, rate-limit meter and armed faults, never the key itself', async () => {
    const clock = virtualClock();
    const sim = createSimulation({ keySecret: SECRET, now: clock.now, rpm: 10, creditsCents: 1000 });
    await create(sim, { duration: 3 });
    clock.tick(1000);
    await create(sim, { duration: 1 }, { key: 'sk-aig-other' });
    await call(sim, 'POST', '/__mock/faults', { key: 'sk-aig-test', body: { operation: 'getJob', status: 503, count: 2 } });
    const r = await checked(sim, 'mockListKeys', 'GET', '/__mock/keys');
    expect(JSON.stringify(r.json)).not.toContain('sk-aig-');
    expect(r.json.keys.map((k: { key: string }) => k.key)).toEqual([other, fingerprint]);
    expect(r.json.keys[1]).toMatchObject({
      wallet: { balance_cents: 970, spent_cents: 30, refunded_cents: 0 },
      rate_limit: { limit: 10, used: 1, remaining: 9, resets_at: clock.now() - 1000 + 60_000 },
      faults: [{ operation: 'getJob', status: 503, remaining: 2 }],
    });
    clock.tick(60_000);
    expect((await control(sim, 'GET', `/__mock/keys/${fingerprint}`)).json.rate_limit).toEqual({ limit: 10, used: 0, remaining: 10, resets_at: null });
  });

  it('shows a key known only by its armed faults with the wallet it will get, creating none', async () => {
    const sim = createSimulation({ keySecret: SECRET, now: virtualClock().now, creditsCents: 500 });
    await call(sim, 'POST', '/__mock/faults', { key: 'sk-aig-test', body: { operation: 'createVideo', status: 500 } });
    const page = (await checked(sim, 'mockListKeys', 'GET', '/__mock/keys?limit=10')).json;
    expect(page.keys).toEqual([
      expect.objectContaining({ key: fingerprint, wallet: { key: fingerprint, balance_cents: 500, spent_cents: 0, refunded_cents: 0 }, rate_limit: expect.objectContaining({ used: 0 }) }),
    ]);
    expect((await call(sim, 'GET', '/__mock/health', { key: null })).json.jobs).toBe(0);
    expect((await control(sim, 'GET', '/__mock/keys?offset=1')).json).toMatchObject({ total: 1, keys: [] });
  });

  it('settles the refund of a failed job before showing the wallet', async () => {
    const clock = virtualClock();
    const sim = createSimulation({ keySecret: SECRET, now: clock.now, creditsCents: 1000 });
    await create(sim, { duration: 4 }, { headers: { prefer: 'outcome=failed' } });
    clock.tick(60_000);
    expect((await control(sim, 'GET', `/__mock/keys/${fingerprint}`)).json.wallet).toMatchObject({ balance_cents: 1000, refunded_cents: 40 });
  });
});

describe('keys steered by fingerprint', () => {
  it('sets the wallet, arms a fault that breaks the next poll, disarms, and resets the key', async () => {
    const sim = createSimulation({ keySecret: SECRET, now: virtualClock().now, creditsCents: 1000 });
    const id = (await create(sim, { duration: 1 })).json.id;
    const wallet = await checked(sim, 'mockSetKeyWallet', 'PUT', `/__mock/keys/${fingerprint}/wallet`, { balance_cents: 5 });
    expect(wallet.json).toMatchObject({ key: fingerprint, balance_cents: 5 });
    expect((await create(sim, { duration: 1 })).status).toBe(402);

    const armed = await checked(sim, 'mockAddKeyFault', 'POST', `/__mock/keys/${fingerprint}/faults`, { operation: 'getJob', status: 503, retry_after: 4 });
    expect(armed.status).toBe(201);
    const broken = await poll(sim, id);
    expect([broken.status, broken.headers['retry-after']]).toEqual([503, '4']);
    expect((await poll(sim, id)).status).toBe(200);
    expect((await poll(sim, id, { key: 'sk-aig-other' })).status).toBe(404);

    await checked(sim, 'mockAddKeyFault', 'POST', `/__mock/keys/${fingerprint}/faults`, { operation: '*', socket: 'reset', count: 3 });
    expect((await checked(sim, 'mockClearKeyFaults', 'DELETE', `/__mock/keys/${fingerprint}/faults`)).status).toBe(204);
    expect((await poll(sim, id)).status).toBe(200);

    const reset = await checked(sim, 'mockResetKey', 'DELETE', `/__mock/keys/${fingerprint}`);
    expect(reset.json).toEqual({ scope: 'key', jobs_removed: 1 });
    expect((await poll(sim, id)).status).toBe(404);
  });

  it('answers 404 for a fingerprint the mock has not seen, and 400 naming the field for a malformed one', async () => {
    const sim = createSimulation({ keySecret: SECRET, now: virtualClock().now });
    const unseen = await checked(sim, 'mockAddKeyFault', 'POST', `/__mock/keys/${fingerprint}/faults`, { operation: 'getJob', status: 503 });
    expect(unseen.status).toBe(404);
    expect(unseen.json.error).toMatchObject({ code: 'unknown_key', param: 'key' });
    const malformed = await control(sim, 'PUT', '/__mock/keys/sk-aig-test/wallet', { balance_cents: 1 });
    expect(malformed.status).toBe(400);
    expect(malformed.json.error.param).toBe('key');
    await create(sim);
    const badFault = await checked(sim, 'mockAddKeyFault', 'POST', `/__mock/keys/${fingerprint}/faults`, { operation: 'getJob', status: 418 });
    expect(badFault.status).toBe(400);
    expect(badFault.json.error.param).toBe('status');
  });
});

describe('GET /__mock/journal filters', () => {
  it('selects by operation, status class, job and fingerprint, and pages with before and after', async () => {
    const sim = createSimulation({ keySecret: SECRET, now: virtualClock().now });
    const id = (await create(sim, { duration: 1 })).json.id;
    await poll(sim, id);
    await poll(sim, id, { headers: { prefer: 'code=503' } });
    await create(sim, { duration: 1 }, { key: 'sk-aig-other' });
    const journal = async (q: string) => (await checked(sim, 'mockGetJournal', 'GET', `/__mock/journal?${q}`)).json.entries as Array<{ seq: number; operation: string; status: number; job_status: string | null }>;
    expect((await journal('operation=getJob')).map((e) => e.status)).toEqual([200, 503]);
    expect((await journal('status=5xx')).map((e) => e.operation)).toEqual(['getJob']);
    expect((await journal(`job=${id}`)).map((e) => e.job_status)).toEqual(['queued', 'queued', null]);
    expect(await journal(`key=${other}`)).toHaveLength(1);
    expect((await journal('operation=createVideo,getJob&limit=2')).map((e) => e.seq)).toEqual([3, 4]);
    expect((await journal('before=3&limit=1')).map((e) => e.seq)).toEqual([2]);
    expect((await journal('after=3')).map((e) => e.seq)).toEqual([4]);
  });

  it('refuses a key named two different ways', async () => {
    const sim = createSimulation({ keySecret: SECRET, now: virtualClock().now });
    const r = await call(sim, 'GET', `/__mock/journal?key=${other}`, { key: 'sk-aig-test' });
    expect(r.status).toBe(400);
    expect(r.json.error.param).toBe('key');
  });
});
