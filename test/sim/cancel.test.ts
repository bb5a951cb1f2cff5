import { describe, expect, it } from 'vitest';
import { namedDialects, parseDialect } from '../../src/contract/dialects.js';
import { schemaValidator } from '../../src/contract/schema-validator.js';
import { specIn } from '../../src/contract/dialect-spec.js';
import { operationsIn } from '../../src/contract/openapi-document.js';
import { validateResponse } from '../../src/contract/validate-response.js';
import { createMemoryStore } from '../../src/sim/memory-store.js';
import { createSimulation } from '../../src/sim/simulation.js';
import { call, create, poll, virtualClock } from '../support/sim-call.js';

const KEY = 'sk-aig-cancel';
const HOOK = 'http://127.0.0.1:9/hook';

const cancelBy = {
  DELETE: (sim: ReturnType<typeof createSimulation>, id: string, key = KEY) => call(sim, 'DELETE', `/v1/jobs/${id}`, { key }),
  POST: (sim: ReturnType<typeof createSimulation>, id: string, key = KEY) => call(sim, 'POST', `/v1/jobs/${id}/cancel`, { key }),
};

async function walletOf(sim: ReturnType<typeof createSimulation>, key = KEY): Promise<number> {
  return (await call(sim, 'GET', '/__mock/wallet', { key })).json.balance_cents;
}

describe.each(['DELETE', 'POST'] as const)('cancel by %s', (method) => {
  const cancel = cancelBy[method];
  const operationId = method === 'DELETE' ? 'deleteJob' : 'cancelJob';

  it('ends a queued job cancelled and refunds its cost in full', async () => {
    const clock = virtualClock();
    const sim = createSimulation({ now: clock.now, creditsCents: 1000 });
    const id = (await create(sim, { duration: 4 }, { key: KEY })).json.id;
    expect(await walletOf(sim)).toBe(960);
    const r = await cancel(sim, id);
    expect(r.status).toBe(200);
    expect(r.json).toMatchObject({ id, status: 'cancelled', progress: 0 });
    expect(validateResponse(operationId, 200, r.headers, r.json)).toEqual([]);
    expect(await walletOf(sim)).toBe(1000);
  });

  it('ends a processing job cancelled, its progress frozen, and refunds it in full', async () => {
    const clock = virtualClock();
    const sim = createSimulation({ now: clock.now, creditsCents: 1000 });
    const id = (await create(sim, { duration: 5 }, { key: KEY })).json.id;
    clock.tick(1000 + 1000);
    const processing = (await poll(sim, id, { key: KEY })).json;
    expect(processing).toMatchObject({ status: 'processing', progress: 50 });
    const r = await cancel(sim, id);
    expect(r.json).toMatchObject({ status: 'cancelled', progress: 50 });
    clock.tick(60_000);
    expect((await poll(sim, id, { key: KEY })).json).toMatchObject({ status: 'cancelled', progress: 50 });
    expect(await walletOf(sim)).toBe(1000);
  });

  it('keeps a cancelled job cancelled on every later poll and cancel, refunding it once', async () => {
    const clock = virtualClock();
    const sim = createSimulation({ now: clock.now, creditsCents: 1000, timing: 'steps' });
    const id = (await create(sim, {}, { key: KEY })).json.id;
    const first = (await cancel(sim, id)).json;
    for (let i = 0; i < 3; i++) {
      clock.tick(5000);
      expect((await poll(sim, id, { key: KEY })).json).toEqual(first);
      expect((await cancel(sim, id)).json).toEqual(first);
    }
    expect(await walletOf(sim)).toBe(1000);
    expect((await sim.wallet((await sim.job(id))?.key ?? '')).refundedCents).toBe(50);
  });

  it('answers a job that has ended as it ended: a completed job stays completed and paid for', async () => {
    const clock = virtualClock();
    const sim = createSimulation({ now: clock.now, creditsCents: 1000 });
    const id = (await create(sim, {}, { key: KEY })).json.id;
    clock.tick(60_000);
    const done = (await poll(sim, id, { key: KEY })).json;
    expect(done.status).toBe('completed');
    const r = await cancel(sim, id);
    expect(r.status).toBe(200);
    expect(r.json).toEqual(done);
    expect(await walletOf(sim)).toBe(950);
  });

  it('answers a failed job as it failed, refunded once as any failed job', async () => {
    const clock = virtualClock();
    const sim = createSimulation({ now: clock.now, creditsCents: 1000 });
    const id = (await create(sim, {}, { key: KEY, headers: { prefer: 'outcome=failed' } })).json.id;
    clock.tick(60_000);
    expect((await cancel(sim, id)).json.status).toBe('failed');
    expect(await walletOf(sim)).toBe(1000);
  });

  it("answers 404 for an unknown job and for another key's job, which it leaves running", async () => {
    const sim = createSimulation({ now: virtualClock().now });
    expect((await cancel(sim, 'job_nope')).json.error).toMatchObject({ type: 'not_found', code: 'job_not_found', param: 'id' });
    const id = (await create(sim, {}, { key: KEY })).json.id;
    expect((await cancel(sim, id, 'sk-aig-someone-else')).status).toBe(404);
    expect((await poll(sim, id, { key: KEY })).json.status).toBe('queued');
  });

  it('needs a key', async () => {
    const sim = createSimulation({ now: virtualClock().now });
    expect((await call(sim, method, method === 'DELETE' ? '/v1/jobs/job_x' : '/v1/jobs/job_x/cancel', { key: null })).status).toBe(401);
  });
});

describe('a cancelled job in steps timing', () => {
  it('no longer moves on later polls', async () => {
    const sim = createSimulation({ now: virtualClock().now, timing: 'steps' });
    const id = (await create(sim, {}, { key: KEY })).json.id;
    expect((await poll(sim, id, { key: KEY })).json.status).toBe('processing');
    await cancelBy.DELETE(sim, id);
    for (let i = 0; i < 3; i++) expect((await poll(sim, id, { key: KEY })).json.status).toBe('cancelled');
  });
});

describe('the webhook of a cancelled job', () => {
  const validIn = (dialect: string) => {
    const d = parseDialect(dialect);
    specIn(d);
    const id = operationsIn(d).find((o) => o.operationId === 'getJob')?.schemaDocument ?? 'video';
    return schemaValidator(id, '#/components/schemas/WebhookEvent');
  };

  it('is job.cancelled where the dialect has the status cancelled, costing nothing', async () => {
    const sim = createSimulation({ now: virtualClock().now });
    const id = (await create(sim, { webhook_url: HOOK }, { key: KEY })).json.id;
    await cancelBy.POST(sim, id);
    const [due, ...rest] = await sim.takeDueWebhooks();
    expect(rest).toEqual([]);
    expect(due?.event).toMatchObject({ type: 'job.cancelled', data: { job_id: id, status: 'cancelled', usage: { cost_cents: 0 } } });
    expect(due?.event.data.result).toBeUndefined();
    expect(validIn('union')(due?.event)).toBe(true);
    expect(await sim.takeDueWebhooks()).toEqual([]);
  });

  it("is job.failed with error code 'cancelled' where the dialect's statuses lack cancelled", async () => {
    const dialect = 'node-sdk';
    const sim = createSimulation({ now: virtualClock().now, dialect });
    const id = (await create(sim, { webhook_url: HOOK }, { key: KEY })).json.id;
    const polled = await cancelBy.DELETE(sim, id);
    expect(polled.json).toMatchObject({ status: 'failed', error: 'The job was cancelled before it finished.' });
    const [due] = await sim.takeDueWebhooks();
    expect(due?.event).toMatchObject({ type: 'job.failed', data: { status: 'failed', error: 'The job was cancelled before it finished.' } });
    expect(validIn(dialect)(due?.event)).toBe(true);
  });

  it.each(Object.values(namedDialects).map((d) => d.name))('follows the %s dialect for a completed job, valid against its WebhookEvent', async (dialect) => {
    const clock = virtualClock();
    const sim = createSimulation({ now: clock.now, dialect });
    await create(sim, { webhook_url: HOOK }, { key: KEY });
    clock.tick(60_000);
    const [due] = await sim.takeDueWebhooks();
    const data = due?.event.data as Record<string, unknown>;
    expect(due?.event.type).toBe('job.completed');
    expect(typeof data['result_url']).toBe('string');
    const place = namedDialects[dialect as keyof typeof namedDialects].choices['result-location'];
    if (place === 'result_url') expect(data['result']).toBeUndefined();
    if (place === 'result.file_url') expect(Object.keys(data['result'] as object)).toEqual(['file_url', 'duration', 'resolution']);
    expect(validIn(dialect)(due?.event), JSON.stringify(due?.event)).toBe(true);
  });
});

describe('cancel through the store', () => {
  it('refunds once and answers every one of simultaneous cancels with the same cancelled job', async () => {
    const store = createMemoryStore();
    const sim = createSimulation({ now: virtualClock().now, store, creditsCents: 1000 });
    const id = (await create(sim, {}, { key: KEY })).json.id;
    const answers = await Promise.all([cancelBy.DELETE(sim, id), cancelBy.POST(sim, id), cancelBy.DELETE(sim, id), cancelBy.POST(sim, id)]);
    expect(new Set(answers.map((r) => JSON.stringify(r.json))).size).toBe(1);
    expect(answers[0]?.json.status).toBe('cancelled');
    expect(await walletOf(sim)).toBe(1000);
  });

  it('never lets a cancel win over the poll that ends a job in steps timing: the job ends one way', async () => {
    for (let run = 0; run < 20; run++) {
      const sim = createSimulation({ now: virtualClock().now, timing: 'steps', creditsCents: 1000 });
      const id = (await create(sim, {}, { key: KEY })).json.id;
      await poll(sim, id, { key: KEY });
      const [polled, cancelled] = await Promise.all([poll(sim, id, { key: KEY }), cancelBy.DELETE(sim, id)]);
      const final = (await poll(sim, id, { key: KEY })).json.status;
      // Whichever came first decided: the poll ended it completed (the cancel saw it ended), or the
      // cancel came first (the poll then sees it cancelled).
      expect([polled?.json.status, cancelled?.json.status, final]).toSatisfy(
        ([p, c, f]: string[]) => (p === 'completed' && c === 'completed' && f === 'completed') || (p === 'cancelled' && c === 'cancelled' && f === 'cancelled'),
      );
      expect(await walletOf(sim)).toBe(final === 'cancelled' ? 1000 : 950);
    }
  });

  it('marks a job cancelled atomically: the store answers cancelled to the first call only', async () => {
    const store = createMemoryStore();
    const sim = createSimulation({ now: virtualClock().now, store });
    const id = (await create(sim, {}, { key: KEY })).json.id;
    const results = await Promise.all([store.cancelJob(id, 1_776_947_083_000), store.cancelJob(id, 1_776_947_083_001)]);
    expect(results.map((r) => r?.cancelled)).toEqual([true, false]);
    expect(results[1]?.job.cancelledMs).toBe(1_776_947_083_000);
    expect((await store.jobs({ pendingRefund: true })).map((j) => j.id)).toEqual([id]);
  });

  it('survives a restart from the state file records, the cancel and the refund included', async () => {
    const store = createMemoryStore();
    store.trackChanges(true);
    const sim = createSimulation({ now: virtualClock().now, store, creditsCents: 1000 });
    const id = (await create(sim, {}, { key: KEY })).json.id;
    await cancelBy.DELETE(sim, id);
    const changes = store.snapshot();
    const restored = createMemoryStore();
    restored.restore(changes);
    const again = createSimulation({ now: virtualClock().now, store: restored, creditsCents: 1000 });
    expect((await poll(again, id, { key: KEY })).json.status).toBe('cancelled');
    expect(await walletOf(again)).toBe(1000);
  });
});
