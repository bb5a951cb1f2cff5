import { describe, expect, it } from 'vitest';
import { schemaValidator } from '../../src/contract/schema-validator.js';
import { createSimulation } from '../../src/sim/simulation.js';
import { takeDueWebhooks } from '../../src/sim/webhooks.js';
import { create, poll, virtualClock } from '../support/sim-call.js';

const validEvent = schemaValidator('video', '#/components/schemas/WebhookEvent');
const HOOK = 'http://127.0.0.1:9/hook';

describe('webhook events', () => {
  it('hands out one job.completed event, valid against the spec, once the job has completed', () => {
    const clock = virtualClock();
    const sim = createSimulation({ now: clock.now, creditsCents: 1000 });
    const id = create(sim, { duration: 3, webhook_url: HOOK }).json.id;
    expect(takeDueWebhooks(sim.state, sim.now())).toEqual([]);
    clock.tick(60_000);
    const [due, ...rest] = takeDueWebhooks(sim.state, sim.now());
    expect(rest).toEqual([]);
    expect(due).toMatchObject({ jobId: id, url: HOOK, event: { type: 'job.completed', data: { job_id: id, status: 'completed', usage: { cost_cents: 30 } } } });
    expect(due?.event.data.result_url).toBe(`http://127.0.0.1:4010/v1/files/jobs/${id}/video.mp4`);
    expect(validEvent(due?.event)).toBe(true);
    expect(takeDueWebhooks(sim.state, sim.now())).toEqual([]);
  });

  it('hands out job.failed with the error and no charge for a failed job', () => {
    const clock = virtualClock();
    const sim = createSimulation({ now: clock.now });
    create(sim, { webhook_url: HOOK }, { headers: { prefer: 'outcome=failed, failure=generation_timeout' } });
    clock.tick(60_000);
    const [due] = takeDueWebhooks(sim.state, sim.now());
    expect(due?.event).toMatchObject({ type: 'job.failed', data: { status: 'failed', error: { code: 'generation_timeout' }, usage: { cost_cents: 0 } } });
    expect(validEvent(due?.event)).toBe(true);
  });

  it('hands out the event on the poll that ends a job in steps timing', () => {
    const sim = createSimulation({ timing: 'steps', now: virtualClock().now });
    const id = create(sim, { webhook_url: HOOK }).json.id;
    poll(sim, id);
    expect(takeDueWebhooks(sim.state, sim.now())).toEqual([]);
    poll(sim, id);
    expect(takeDueWebhooks(sim.state, sim.now()).map((d) => d.jobId)).toEqual([id]);
  });

  it('has nothing to hand out for jobs created without webhook_url', () => {
    const clock = virtualClock();
    const sim = createSimulation({ now: clock.now });
    create(sim);
    clock.tick(60_000);
    expect(takeDueWebhooks(sim.state, sim.now())).toEqual([]);
  });

  it('still owes an undelivered event after a restart from the change record', () => {
    const clock = virtualClock();
    const a = createSimulation({ now: clock.now });
    const id = create(a, { webhook_url: HOOK }).json.id;
    const b = createSimulation({ now: clock.now });
    b.restore(a.drainChanges());
    clock.tick(60_000);
    expect(takeDueWebhooks(b.state, b.now()).map((d) => d.jobId)).toEqual([id]);
  });
});
