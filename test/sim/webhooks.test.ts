import { describe, expect, it } from 'vitest';
import { schemaValidator } from '../../src/contract/schema-validator.js';
import { createSimulation } from '../../src/sim/simulation.js';
import { createMemoryStore } from '../../src/sim/memory-store.js';
import { create, poll, virtualClock } from '../support/sim-call.js';

const validEvent = schemaValidator('video', '#/components/schemas/WebhookEvent');
const HOOK = 'http://127.0.0.1:9/hook';

describe('webhook events', () => {
  it('hands out one job.completed event, valid against the spec, once the job has completed', async () => {
    const clock = virtualClock();
    const sim = createSimulation({ now: clock.now, creditsCents: 1000 });
    const id = (await create(sim, { duration: 3, webhook_url: HOOK })).json.id;
    expect(await sim.takeDueWebhooks()).toEqual([]);
    clock.tick(60_000);
    const [due, ...rest] = await sim.takeDueWebhooks();
    expect(rest).toEqual([]);
    expect(due).toMatchObject({ jobId: id, url: HOOK, event: { type: 'job.completed', data: { job_id: id, status: 'completed', usage: { cost_cents: 30 } } } });
    expect(due?.event.data.result_url).toBe(`http://127.0.0.1:4010/v1/files/jobs/${id}/video.mp4`);
    expect(validEvent(due?.event)).toBe(true);
    expect(await sim.takeDueWebhooks()).toEqual([]);
  });

  it('hands out job.failed with the error and no charge for a failed job', async () => {
    const clock = virtualClock();
    const sim = createSimulation({ now: clock.now });
    await create(sim, { webhook_url: HOOK }, { headers: { prefer: 'outcome=failed, failure=generation_timeout' } });
    clock.tick(60_000);
    const [due] = await sim.takeDueWebhooks();
    expect(due?.event).toMatchObject({ type: 'job.failed', data: { status: 'failed', error: { code: 'generation_timeout' }, usage: { cost_cents: 0 } } });
    expect(validEvent(due?.event)).toBe(true);
  });

  it('hands out the event on the poll that ends a job in steps timing', async () => {
    const sim = createSimulation({ timing: 'steps', now: virtualClock().now });
    const id = (await create(sim, { webhook_url: HOOK })).json.id;
    await poll(sim, id);
    expect(await sim.takeDueWebhooks()).toEqual([]);
    await poll(sim, id);
    expect((await sim.takeDueWebhooks()).map((d) => d.jobId)).toEqual([id]);
  });

  it('has nothing to hand out for jobs created without webhook_url', async () => {
    const clock = virtualClock();
    const sim = createSimulation({ now: clock.now });
    await create(sim);
    clock.tick(60_000);
    expect(await sim.takeDueWebhooks()).toEqual([]);
  });

  it('still owes an undelivered event after a restart from the change record', async () => {
    const clock = virtualClock();
    const store = createMemoryStore();
    store.trackChanges(true);
    const a = createSimulation({ now: clock.now, store });
    const id = (await create(a, { webhook_url: HOOK })).json.id;
    const restored = createMemoryStore();
    restored.restore(store.drainChanges());
    const b = createSimulation({ now: clock.now, store: restored });
    clock.tick(60_000);
    expect((await b.takeDueWebhooks()).map((d) => d.jobId)).toEqual([id]);
  });

  it('journals delivery attempts without shifting the request ids a seed gives', async () => {
    const ids = async (attempts: number): Promise<string[]> => {
      const sim = createSimulation({ seed: 3, now: virtualClock().now });
      const first = await create(sim, { webhook_url: HOOK });
      for (let i = 0; i < attempts; i++) {
        await sim.recordWebhookAttempt({ jobId: first.json.id, key: 'key_x', url: HOOK, status: 0, fault: 'webhook-unreachable', durationMs: 1 });
      }
      const second = await poll(sim, 'job_x');
      return [first.headers['x-request-id'] ?? '', second.headers['x-request-id'] ?? ''];
    };
    expect(await ids(3)).toEqual(await ids(0));
  });
});
