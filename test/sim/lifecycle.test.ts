import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { jobStatusValues } from '../../src/generated/api.js';
import { validateResponse } from '../../src/contract/validate-response.js';
import { earnedFrom, nextChangeMs, phaseOf } from '../../src/sim/lifecycle.js';
import { createSimulation } from '../../src/sim/simulation.js';
import { createMemoryStore } from '../../src/sim/memory-store.js';
import type { JobPatch, JobRecord, Store } from '../../src/sim/store.js';
import { create, inSeries, poll, virtualClock } from '../support/sim-call.js';

const order = (status: string): number => {
  const i = (jobStatusValues as readonly string[]).indexOf(status);
  return status === 'failed' ? 2 : i;
};

describe('the job lifecycle in realtime timing', () => {
  it('answers a create with a queued job that the spec accepts', async () => {
    const sim = createSimulation({ now: virtualClock().now });
    const r = await create(sim);
    expect(r.status).toBe(202);
    expect(r.json).toMatchObject({ status: 'queued', object: 'job', progress: 0 });
    expect(validateResponse('createVideo', r.status, r.headers, r.json)).toEqual([]);
  });

  it('moves a job from queued to processing to completed as the clock runs', async () => {
    const clock = virtualClock();
    const sim = createSimulation({ now: clock.now, realtime: { queuedMs: 1000, processingMsPerSecond: 400 } });
    const id = (await create(sim, { duration: 5 })).json.id;
    expect((await poll(sim, id)).json.status).toBe('queued');
    clock.tick(1000);
    expect((await poll(sim, id)).json).toMatchObject({ status: 'processing', progress: 0 });
    clock.tick(1000);
    expect((await poll(sim, id)).json).toMatchObject({ status: 'processing', progress: 50 });
    clock.tick(1000);
    const done = await poll(sim, id);
    expect(done.json).toMatchObject({ status: 'completed', progress: 100, result: { duration: 5, resolution: '1920x1080' } });
    expect(done.json.result.url).toBe(`http://127.0.0.1:4010/v1/files/jobs/${id}/video.mp4`);
    expect(validateResponse('getJob', 200, done.headers, done.json)).toEqual([]);
  });

  it('takes longer for longer videos', async () => {
    const clock = virtualClock();
    const sim = createSimulation({ now: clock.now });
    const short = (await create(sim, { duration: 1 })).json.id;
    const long = (await create(sim, { duration: 20 })).json.id;
    clock.tick(2000);
    expect((await poll(sim, short)).json.status).toBe('completed');
    expect((await poll(sim, long)).json.status).toBe('processing');
  });

  it('moves jobs forward when the clock is advanced in-process', async () => {
    const sim = createSimulation({ now: virtualClock().now });
    const id = (await create(sim)).json.id;
    await sim.advance(60_000);
    expect((await poll(sim, id)).json.status).toBe('completed');
  });

  it('ends a job failed, with an error from the catalog, when asked with Prefer: outcome=failed', async () => {
    const clock = virtualClock();
    const sim = createSimulation({ now: clock.now });
    const id = (await create(sim, {}, { headers: { prefer: 'outcome=failed, failure=content_policy_violation' } })).json.id;
    clock.tick(60_000);
    const r = await poll(sim, id);
    expect(r.json).toMatchObject({ status: 'failed', error: { code: 'content_policy_violation' } });
    expect(r.json.result).toBeUndefined();
    expect(validateResponse('getJob', 200, r.headers, r.json)).toEqual([]);
  });

  test.prop([
    // Small steps through the job's life and large jumps far past its end: both are walked.
    fc.array(fc.oneof(fc.constant<'poll'>('poll'), fc.integer({ min: 0, max: 4000 }), fc.integer({ min: 4000, max: 600_000 })), { minLength: 1, maxLength: 40 }),
    // Then polls at least 30 s after the job ended, up to hours later (within its 24 h time to live).
    fc.array(fc.integer({ min: 30_000, max: 6 * 3600_000 }), { minLength: 1, maxLength: 5 }),
    fc.boolean(),
    fc.integer({ min: 1, max: 20 }),
  ])('never moves a job backwards and never lowers its progress, whatever the polls and clock moves, long after it ended too', async (moves, after, fail, duration) => {
    const clock = virtualClock();
    const sim = createSimulation({ now: clock.now });
    const id = (await create(sim, { duration }, fail ? { headers: { prefer: 'outcome=failed' } } : {})).json.id;
    let last = { rank: 0, progress: 0, status: 'queued' };
    const check = async (): Promise<void> => {
      const job = (await poll(sim, id)).json;
      expect(order(job.status)).toBeGreaterThanOrEqual(last.rank);
      expect(job.progress).toBeGreaterThanOrEqual(last.progress);
      if (last.status === 'completed' || last.status === 'failed') expect(job.status).toBe(last.status);
      expect(job.status).not.toBe(fail ? 'completed' : 'failed');
      last = { rank: order(job.status), progress: job.progress, status: job.status };
    };
    // Time since the create: the later polls stay within the job's 24 h time to live.
    let age = 0;
    const tick = (ms: number): void => {
      age += ms;
      clock.tick(ms);
    };
    for (const move of moves) {
      if (move === 'poll') await check();
      else tick(move);
    }
    // The job has ended by now (queued 1 s, then 400 ms per second of video); poll it much later.
    tick(1000 + duration * 400);
    await check();
    const ended = last.status;
    expect(['completed', 'failed']).toContain(ended);
    for (const wait of after) {
      if (age + wait >= 24 * 3600_000) break;
      tick(wait);
      await check();
      expect(last.status).toBe(ended);
    }
  });

  it('keeps the clock from running backwards when the time source does', async () => {
    let t = 1_776_947_082_000;
    const sim = createSimulation({ now: () => t });
    const id = (await create(sim)).json.id;
    t += 60_000;
    expect((await poll(sim, id)).json.status).toBe('completed');
    t -= 60_000;
    expect((await poll(sim, id)).json.status).toBe('completed');
  });

  it('keeps a completed job completed on every later poll', async () => {
    const clock = virtualClock();
    const sim = createSimulation({ now: clock.now });
    const id = (await create(sim)).json.id;
    clock.tick(10_000);
    const first = (await poll(sim, id)).json;
    for (let i = 0; i < 5; i++) {
      clock.tick(1000);
      expect((await poll(sim, id)).json).toEqual(first);
    }
  });

  it('gives times in unix seconds, not milliseconds', async () => {
    const sim = createSimulation({ now: virtualClock(1_776_947_082_123).now });
    expect((await create(sim)).json.created).toBe(1_776_947_082);
  });
});

describe('the job lifecycle in steps timing', () => {
  it('shows the next status on each poll: queued, processing, completed', async () => {
    const sim = createSimulation({ timing: 'steps', now: virtualClock().now });
    const created = (await create(sim)).json;
    expect(created.status).toBe('queued');
    expect((await poll(sim, created.id)).json.status).toBe('processing');
    expect((await poll(sim, created.id)).json.status).toBe('completed');
    expect((await poll(sim, created.id)).json.status).toBe('completed');
  });

  it('lets more polls see processing, with growing progress, when configured', async () => {
    const sim = createSimulation({ timing: 'steps', steps: { processingPolls: 3 }, now: virtualClock().now });
    const id = (await create(sim)).json.id;
    const seen = await inSeries([1, 2, 3, 4], async () => (await poll(sim, id)).json);
    expect(seen.map((j) => j.status)).toEqual(['processing', 'processing', 'processing', 'completed']);
    expect(seen.map((j) => j.progress)).toEqual([25, 50, 75, 100]);
  });

  it("answers the status of its own poll when another process's poll counts between its poll and its patch", async () => {
    // A store shared with another replica: that replica polls the job just as this one writes the
    // time of its step. This poll (the first) must still answer processing, not the record after it.
    const shared = createMemoryStore();
    const store: Store = Object.assign(Object.create(shared) as Store, {
      patchJob: async (id: string, patch: JobPatch) => {
        await shared.recordPoll(id, 0, true);
        return shared.patchJob(id, patch);
      },
    });
    const sim = createSimulation({ timing: 'steps', steps: { processingPolls: 1 }, now: virtualClock().now, store });
    const id = (await create(sim)).json.id;
    const first = (await poll(sim, id)).json;
    expect(first).toMatchObject({ status: 'processing' });
    expect((await sim.job(id))?.polls).toBe(2);
  });

  it('does not move a job on a poll that was answered with an error', async () => {
    const sim = createSimulation({ timing: 'steps', now: virtualClock().now });
    const id = (await create(sim)).json.id;
    expect((await poll(sim, id, { headers: { prefer: 'code=503' } })).status).toBe(503);
    expect((await poll(sim, id)).json.status).toBe('processing');
  });
});

describe('nextChangeMs', () => {
  const record = (queuedMs: number, processingMs: number, outcome: 'completed' | 'failed'): JobRecord => ({
    id: 'job_1', key: 'key_1', model: 'm', duration: 5, aspectRatio: '16:9', resolution: '1080p', createdMs: 1_000_000, costCents: 50, outcome,
    failure: outcome === 'failed' ? 'upstream_error' : null, timing: 'realtime', queuedMs, processingMs, processingPolls: 1, polls: 0,
    stepUpdatedMs: 1_000_000, lastPollMs: null, cancelledMs: null, refunded: false, webhook: null,
  });

  test.prop([fc.integer({ min: 1, max: 5000 }), fc.integer({ min: 0, max: 10_000 }), fc.constantFrom('completed' as const, 'failed' as const), fc.integer({ min: 0, max: 20_000 })])(
    'names the first moment the realtime status differs, and null once it never will',
    (queuedMs, processingMs, outcome, elapsed) => {
      const job = record(queuedMs, processingMs, outcome);
      const now = job.createdMs + elapsed;
      const next = nextChangeMs(job, now);
      const status = phaseOf(job, now).status;
      if (next === null) {
        expect(['completed', 'failed']).toContain(status);
        expect(phaseOf(job, now + 1_000_000).status).toBe(status);
        return;
      }
      expect(next).toBeGreaterThan(now);
      expect(phaseOf(job, Math.ceil(next) - 1).status).toBe(status);
      expect(phaseOf(job, Math.ceil(next)).status).not.toBe(status);
    },
  );

  it('is null for a job that polls move (steps)', () => {
    expect(nextChangeMs({ ...record(1000, 1000, 'completed'), timing: 'steps' }, 0)).toBeNull();
  });
});

describe('when a job earns its cost', () => {
  const jobArb = fc.record({
    createdMs: fc.integer({ min: 0, max: 2e12 }),
    queuedMs: fc.oneof(fc.nat(5_000), fc.double({ min: 0, max: 5_000, noNaN: true })),
    processingMs: fc.oneof(fc.nat(20_000), fc.double({ min: 0, max: 20_000, noNaN: true })),
    outcome: fc.constantFrom('completed' as const, 'failed' as const),
    timing: fc.constantFrom('realtime' as const, 'steps' as const),
    processingPolls: fc.nat(4),
    polls: fc.nat(7),
  });

  test.prop([jobArb, fc.integer({ min: -1_000, max: 30_000 }), fc.constantFrom(null, -1, 0, 1)], { numRuns: 300 })(
    'is the moment it reads completed, to the last bit of a fractional schedule: a store comparing the fact judges as the lifecycle does',
    (fields, after, nudge) => {
      const job = { ...fields, cancelledMs: null } as JobRecord;
      const earned = earnedFrom(job);
      // At the fact's own time, or a bit before or after it, as often as anywhere.
      const nowMs = nudge !== null && earned !== null && 'ms' in earned ? earned.ms + nudge * Number.EPSILON * earned.ms : job.createdMs + after;
      const byFact = earned === null ? false : 'ms' in earned ? nowMs >= earned.ms : job.polls >= earned.polls;
      expect(byFact).toBe(phaseOf(job, nowMs).status === 'completed');
    },
  );
});
