import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { calibrate } from '../../src/calibrate/calibrate.js';
import { profileSimulation, type GatewayProfile } from '../../src/calibrate/gateway-profile.js';
import type { Measure } from '../../src/calibrate/measure-timings.js';
import { namedDialects } from '../../src/contract/dialects.js';
import { resolveConfig, type Distribution, type JobTiming, type SimulationOptions } from '../../src/sim/config.js';
import type { EventFeed, FeedEvent } from '../../src/sim/event-feed.js';
import { MAX_SIGMA, sampleJobTimings, timingBounds, TIMING_MAX_Z } from '../../src/sim/job-timings.js';
import { nextChangeMs, phaseOf } from '../../src/sim/lifecycle.js';
import { createSimulation, type Simulation } from '../../src/sim/simulation.js';
import { FLAG_MAX_SIGMA, parseJobTiming } from '../../src/cli/parse-latency.js';
import type { JobRecord } from '../../src/sim/store.js';
import { syntheticHar } from '../support/synthetic-har.js';
import { call, create, inSeries, poll, virtualClock } from '../support/sim-call.js';

type Realtime = NonNullable<SimulationOptions['realtime']>;
const SPREAD: Realtime = {
  queuedMs: { kind: 'lognormal', medianMs: 1200, sigma: 0.4 },
  processingMsPerSecond: { kind: 'uniform', minMs: 200, maxMs: 600 },
};

/** Creates `count` jobs of `duration` seconds (one key), and answers their records in order. */
async function createJobs(sim: Simulation, count: number, duration = 4, key = 'sk-aig-timings'): Promise<JobRecord[]> {
  const ids = await inSeries(Array.from({ length: count }), async () => (await create(sim, { duration }, { key })).json.id as string);
  return Promise.all(ids.map(async (id) => (await sim.job(id)) as JobRecord));
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};
const meanOf = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;
const stdevOf = (values: number[]): number => {
  const m = meanOf(values);
  return Math.sqrt(values.reduce((a, b) => a + (b - m) ** 2, 0) / values.length);
};

describe('a spread of the realtime timings', () => {
  it('gives each job its own queued and processing times, the same ones run after run for a seed', async () => {
    const run = async (seed: number) => (await createJobs(createSimulation({ seed, realtime: SPREAD, rpm: 10_000, now: virtualClock().now }), 12)).map((j) => [j.id, j.queuedMs, j.processingMs]);
    const first = await run(5);
    expect(await run(5)).toEqual(first);
    expect(new Set(first.map(([, queued]) => queued)).size).toBeGreaterThan(6);
    expect(new Set(first.map(([, , processing]) => processing)).size).toBeGreaterThan(6);
    expect(await run(6)).not.toEqual(first);
  });

  it('changes no id, outcome or failure a seed gives: the draws are the job\'s own', async () => {
    const jobsOf = async (realtime: Realtime) =>
      (await createJobs(createSimulation({ seed: 3, failureRate: 0.4, realtime, rpm: 10_000, now: virtualClock().now }), 20)).map((j) => [j.id, j.outcome, j.failure]);
    const fixed = await jobsOf({});
    expect(await jobsOf(SPREAD)).toEqual(fixed);
    expect(fixed.some(([, outcome]) => outcome === 'failed')).toBe(true);
  });

  it('keeps a number a fixed timing, as before there were distributions', async () => {
    const [job] = await createJobs(createSimulation({ realtime: { queuedMs: 1000, processingMsPerSecond: 12.5 }, now: virtualClock().now }), 1, 3);
    expect(job).toMatchObject({ queuedMs: 1000, processingMs: 37.5 });
    expect(resolveConfig({}).realtime).toEqual({ queuedMs: { kind: 'fixed', ms: 1000 }, processingMsPerSecond: { kind: 'fixed', ms: 400 } });
  });

  const distribution = (least: number): fc.Arbitrary<Distribution> =>
    fc.oneof(
      fc.record({ kind: fc.constant('fixed' as const), ms: fc.double({ min: least, max: 1e7, noNaN: true }) }),
      fc.tuple(fc.double({ min: least, max: 1e7, noNaN: true }), fc.double({ min: 0, max: 1e7, noNaN: true })).map(([minMs, extra]) => ({ kind: 'uniform' as const, minMs, maxMs: minMs + extra })),
      fc.record({ kind: fc.constant('lognormal' as const), medianMs: fc.double({ min: least, max: 1e7, noNaN: true }), sigma: fc.double({ min: 0, max: MAX_SIGMA, noNaN: true }) }),
    );
  // Any draws, the extremes included (0 gives the lognormal's longest tail, truncated).
  const draws = fc.dictionary(fc.constantFrom('queued', 'queued-1', 'queued-2', 'processing', 'processing-1', 'processing-2'), fc.oneof(fc.constant(0), fc.constant(1 - 2 ** -32), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true })));

  test.prop([distribution(1), distribution(0), fc.integer({ min: 1, max: 20 }), draws])(
    'draws every timing within its documented bounds: finite, at least 1 ms queued, whole ms when drawn, a lognormal within 4 sigma',
    (queuedMs, processingMsPerSecond, duration, drawn) => {
      const config = resolveConfig({ realtime: { queuedMs, processingMsPerSecond } });
      const timings = sampleJobTimings(config, duration, (what) => drawn[what] ?? 0.5);
      const q = timingBounds(queuedMs);
      const p = timingBounds(processingMsPerSecond);
      expect(Number.isFinite(timings.queuedMs) && Number.isFinite(timings.processingMs)).toBe(true);
      // A fixed timing is taken as given; a drawn one is rounded to whole ms (bounds with a rounding's slack).
      if (queuedMs.kind === 'fixed') expect(timings.queuedMs).toBe(queuedMs.ms);
      else {
        expect(Number.isInteger(timings.queuedMs)).toBe(true);
        expect(timings.queuedMs).toBeGreaterThanOrEqual(Math.max(1, Math.round(q.min * (1 - 1e-12))));
        expect(timings.queuedMs).toBeLessThanOrEqual(Math.max(1, Math.round(q.max * (1 + 1e-12))));
      }
      if (processingMsPerSecond.kind === 'fixed') expect(timings.processingMs).toBe(duration * processingMsPerSecond.ms);
      else {
        expect(Number.isInteger(timings.processingMs)).toBe(true);
        expect(timings.processingMs).toBeGreaterThanOrEqual(Math.round(duration * p.min * (1 - 1e-12)));
        expect(timings.processingMs).toBeLessThanOrEqual(Math.round(duration * p.max * (1 + 1e-12)));
      }
      if (queuedMs.kind === 'lognormal') expect(q.max / queuedMs.medianMs).toBeCloseTo(Math.exp(TIMING_MAX_Z * queuedMs.sigma));
    },
  );

  it('takes from serve\'s flags what the core takes, the sigma bound included', () => {
    expect(FLAG_MAX_SIGMA).toBe(MAX_SIGMA);
    for (const raw of ['1', 'fixed:1', 'uniform:1-1', `lognormal:1,${MAX_SIGMA}`, 'lognormal:1000,0']) {
      const parsed = parseJobTiming('queued-ms', raw, 1);
      expect(() => resolveConfig({ realtime: { queuedMs: parsed as JobTiming } })).not.toThrow();
    }
    expect(() => parseJobTiming('processing-ms', `lognormal:700,${MAX_SIGMA + 0.01}`, 0)).toThrow('SIGMA must be from 0 to 4');
  });

  it.each([
    [{ queuedMs: 0 }, 'realtime.queuedMs must be a number >= 1, not 0'],
    [{ queuedMs: { kind: 'uniform', minMs: 0, maxMs: 10 } }, 'realtime.queuedMs.minMs must be a number >= 1, not 0'],
    [{ queuedMs: { kind: 'uniform', minMs: 500, maxMs: 100 } }, 'realtime.queuedMs.maxMs must be a number >= 500, not 100'],
    [{ processingMsPerSecond: { kind: 'lognormal', medianMs: 700, sigma: 9 } }, 'realtime.processingMsPerSecond.sigma must be a number from 0 to 4, not 9'],
    [{ processingMsPerSecond: { kind: 'lognormal', medianMs: Number.NaN, sigma: 0.2 } }, 'realtime.processingMsPerSecond.medianMs must be a number >= 0, not NaN'],
    [{ processingMsPerSecond: { kind: 'fixed', ms: Number.POSITIVE_INFINITY } }, 'realtime.processingMsPerSecond.ms must be a number >= 0, not Infinity'],
    [{ processingMsPerSecond: { kind: 'normal', ms: 5 } }, 'realtime.processingMsPerSecond.kind must be fixed, uniform or lognormal, not normal'],
    [{ queuedMs: '1000' }, "realtime.queuedMs must be a number of ms or a distribution"],
  ])('refuses a timing out of bounds, naming the field (%#)', (realtime, message) => {
    expect(() => createSimulation({ realtime: realtime as Realtime })).toThrow(message);
  });
});

describe('a profile with a measured spread', () => {
  const measured = (m: Partial<Measure>): Measure => ({ median: 1000, mean: 1000, min: 1000, max: 1000, stdev: 0, samples: 20, resolutionMs: 50, ...m });
  const profileWith = (queuedMs: Measure | null, processingMsPerVideoSecond: Measure | null): GatewayProfile => {
    const profile = calibrate(syntheticHar(namedDialects.union));
    return { ...profile, timings: { ...profile.timings, queuedMs, processingMsPerVideoSecond } };
  };

  it('gives jobs whose queued and processing times spread as the recorded jobs did, around the same medians', async () => {
    const queued = measured({ median: 1450, mean: 1500, min: 900, max: 2600, stdev: 400, samples: 20, resolutionMs: 50 });
    const processing = measured({ median: 700, mean: 720, min: 520, max: 1010, stdev: 110, samples: 12, resolutionMs: 12.5 });
    const { options } = profileSimulation(profileWith(queued, processing));
    const sim = createSimulation({ ...options, seed: 21, rpm: 100_000, creditsCents: 10_000_000, now: virtualClock().now });
    const duration = 4;
    const jobs = await createJobs(sim, 600, duration);
    const queuedTimes = jobs.map((j) => j.queuedMs);
    const perSecond = jobs.map((j) => j.processingMs / duration);
    // Around the medians (within 5%), with the measured spread (within 15%: 600 draws, and the polls' own share taken out).
    expect(Math.abs(median(queuedTimes) / queued.median - 1)).toBeLessThan(0.05);
    expect(Math.abs(median(perSecond) / processing.median - 1)).toBeLessThan(0.05);
    expect(Math.abs(stdevOf(queuedTimes) / queued.stdev - 1)).toBeLessThan(0.15);
    expect(Math.abs(stdevOf(perSecond) / processing.stdev - 1)).toBeLessThan(0.15);
    expect(Math.abs(meanOf(queuedTimes) / queued.mean - 1)).toBeLessThan(0.05);
  });

  it('gives every job the median when the recorded jobs did not vary', async () => {
    const { options } = profileSimulation(profileWith(measured({ median: 1450.4, mean: 1450.4 }), measured({ median: 700, mean: 700, samples: 1 })));
    expect(options.realtime).toEqual({ queuedMs: 1450, processingMsPerSecond: 700 });
    const jobs = await createJobs(createSimulation({ ...options, rpm: 10_000, now: virtualClock().now }), 10, 2);
    expect(new Set(jobs.map((j) => `${j.queuedMs}/${j.processingMs}`))).toEqual(new Set(['1450/1400']));
  });
});

describe('jobs that each have their own timings', () => {
  it('move through their statuses as their records say, and the event stream tells each change when it comes', async () => {
    const clock = virtualClock();
    const sim = createSimulation({ seed: 4, realtime: SPREAD, failureRate: 0.3, rpm: 10_000, now: clock.now });
    const jobs = await createJobs(sim, 10, 3);
    const r = await call(sim, 'GET', '/__mock/events', { key: null });
    if (r.response.body.kind !== 'events') throw new Error('expected an event stream');
    const feed: EventFeed = r.response.body.feed;
    await feed.next();
    // Walk the clock from change to change of any job: just before, nothing new; at it, exactly the jobs due.
    const start = clock.now();
    let now = start;
    for (;;) {
      const next = jobs.map((j) => nextChangeMs(j, now)).filter((t): t is number => t !== null);
      if (next.length === 0) break;
      const at = Math.ceil(Math.min(...next));
      const due = jobs.filter((j) => phaseOf(j, at).status !== phaseOf(j, at - 1).status);
      expect(due.length).toBeGreaterThan(0);
      clock.tick(at - 1 - now);
      const before = (await feed.next()).filter((e): e is Extract<FeedEvent, { event: 'jobs' }> => e.event === 'jobs').flatMap((e) => e.data.jobs);
      expect(before).toEqual([]);
      clock.tick(1);
      now = at;
      const seen = (await feed.next()).filter((e): e is Extract<FeedEvent, { event: 'jobs' }> => e.event === 'jobs').flatMap((e) => e.data.jobs);
      expect(seen.map((s) => [s.id, s.status]).sort()).toEqual(due.map((j) => [j.id, phaseOf(j, at).status]).sort());
      for (const s of seen.filter((s) => s.status === 'processing')) {
        // The dashboard's bar moves at the job's own rate.
        const job = jobs.find((j) => j.id === s.id) as JobRecord;
        expect(s.progress_rate).toBeCloseTo(100_000 / job.processingMs, 2);
      }
      for (const job of due) expect((await poll(sim, job.id, { key: 'sk-aig-timings' })).json.status).toBe(phaseOf(job, at).status);
      // The polls changed the jobs' last poll: the stream tells that now, not with the next change.
      await feed.next();
    }
    expect(jobs.every((j) => ['completed', 'failed'].includes(phaseOf(j, now).status))).toBe(true);
    feed.close();
  });
});
