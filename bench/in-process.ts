import { performance } from 'node:perf_hooks';
import { getResponse } from 'msw';
import { createHandlers } from '../mocks/msw.js';
import { aspectRatioValues, resolutionTierValues } from '../src/generated/api.js';
import { VIDEO_MEMO_LIMIT, videoFor, type VideoShape } from '../src/sim/media.js';
import { frameSizeOf } from '../src/sim/resolution.js';
import { createSimulation } from '../src/sim/simulation.js';
import { durationRange } from '../src/sim/spec-values.js';
import type { SimRequest } from '../src/sim/exchange.js';
import { BENCH_KEY, createBody } from './http-load.js';

export interface InProcessResult {
  /** create+poll pairs per second (each pair is two requests). */
  corePairsPerSecond: number;
  mswPairsPerSecond: number;
  lifecycle: { jobs: number; requests: number; wallMs: number; virtualMs: number; completed: number };
  media?: MediaResult;
}

export interface MediaResult {
  /** The largest file the spec allows (longest duration, largest frame), built with its memo missed: median µs. */
  largestBuildUs: number;
  largestBytes: number;
  /** The same file again, from the memo (a repeated or ranged download): median µs. */
  memoHitUs: number;
}

const plenty = { creditsCents: 1e15, rpm: 1e12 } as const;
const encodedBody = new TextEncoder().encode(createBody);
const auth = `Bearer ${BENCH_KEY}`;
const ORIGIN = 'http://127.0.0.1:4010';

const createRequest = (): SimRequest => ({
  method: 'POST',
  url: '/v1/videos/generations',
  headers: { authorization: auth, 'content-type': 'application/json' },
  body: encodedBody,
  origin: ORIGIN,
});
const pollRequest = (id: string): SimRequest => ({ method: 'GET', url: `/v1/jobs/${id}`, headers: { authorization: auth }, body: null, origin: ORIGIN });

const idOf = (value: unknown): string => {
  const id = (value as { id?: unknown } | null)?.id;
  if (typeof id !== 'string') throw new Error('the answer has no job id');
  return id;
};

/** Create+poll pairs through `simulation.handle`, for `seconds`. */
async function corePairs(seconds: number): Promise<number> {
  const simulation = createSimulation(plenty);
  let pairs = 0;
  const started = performance.now();
  const until = started + seconds * 1000;
  while (performance.now() < until) {
    for (let i = 0; i < 100; i++) {
      const created = await simulation.handle(createRequest());
      if (created.status !== 202 || created.body.kind !== 'json') throw new Error(`core create answered ${created.status}`);
      const polled = await simulation.handle(pollRequest(idOf(created.body.value)));
      if (polled.status !== 200) throw new Error(`core poll answered ${polled.status}`);
      pairs++;
    }
  }
  return Math.round(pairs / ((performance.now() - started) / 1000));
}

/** The same through the MSW handlers, with fetch's Request and Response (msw's `getResponse`). */
async function mswPairs(seconds: number): Promise<number> {
  const handlers = createHandlers({ ...plenty, baseUrl: ORIGIN });
  let pairs = 0;
  const started = performance.now();
  const until = started + seconds * 1000;
  while (performance.now() < until) {
    const created = await getResponse(
      handlers,
      new Request(`${ORIGIN}/v1/videos/generations`, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/json' }, body: createBody }),
    );
    if (created?.status !== 202) throw new Error(`msw create answered ${String(created?.status)}`);
    const id = idOf(await created.json());
    const polled = await getResponse(handlers, new Request(`${ORIGIN}/v1/jobs/${id}`, { headers: { authorization: auth } }));
    if (polled?.status !== 200) throw new Error(`msw poll answered ${String(polled?.status)}`);
    await polled.arrayBuffer();
    pairs++;
  }
  return Math.round(pairs / ((performance.now() - started) / 1000));
}

/** 1,000 jobs from create to completed under a virtual clock, polled every 500 virtual ms. */
async function lifecycle(jobs: number): Promise<InProcessResult['lifecycle']> {
  let t = Date.UTC(2026, 0, 1);
  const start = t;
  const simulation = createSimulation({ ...plenty, now: () => t, maxJobs: Math.max(10_000, jobs) });
  const started = performance.now();
  let requests = 0;
  let pending: string[] = [];
  for (let i = 0; i < jobs; i++) {
    const created = await simulation.handle(createRequest());
    requests++;
    if (created.status !== 202 || created.body.kind !== 'json') throw new Error(`lifecycle create answered ${created.status}`);
    pending.push(idOf(created.body.value));
  }
  let completed = 0;
  while (pending.length > 0) {
    t += 500;
    const next: string[] = [];
    for (const id of pending) {
      const polled = await simulation.handle(pollRequest(id));
      requests++;
      const status = polled.body.kind === 'json' ? (polled.body.value as { status?: string }).status : undefined;
      if (polled.status !== 200) throw new Error(`lifecycle poll answered ${polled.status}`);
      if (status === 'completed') completed++;
      else if (status === 'failed') throw new Error('a job failed with failureRate 0');
      else next.push(id);
    }
    pending = next;
  }
  return { jobs, requests, wallMs: Math.round(performance.now() - started), virtualMs: t - start, completed };
}

/** `videoFor`, what every media download calls: the largest file built from scratch, and served again. */
function media(samples: number): MediaResult {
  const largest: VideoShape = { duration: durationRange.max, ...frameSizeOf(aspectRatioValues[0] ?? '16:9', resolutionTierValues.at(-1) ?? '1080p') };
  // Enough other shapes to push the largest out of the memo before each timed build.
  const others = aspectRatioValues
    .flatMap((ratio) => resolutionTierValues.map((tier) => frameSizeOf(ratio, tier)))
    .flatMap((size) => [durationRange.min, durationRange.min + 1, durationRange.min + 2, durationRange.min + 3].map((duration) => ({ duration, ...size })))
    .slice(0, VIDEO_MEMO_LIMIT);
  const median = (values: number[]): number => values.sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? Number.NaN;
  const builds: number[] = [];
  const hits: number[] = [];
  let bytes = 0;
  for (let i = 0; i < samples; i++) {
    for (const shape of others) videoFor(shape);
    let started = performance.now();
    bytes = videoFor(largest).byteLength;
    builds.push((performance.now() - started) * 1000);
    started = performance.now();
    videoFor(largest);
    hits.push((performance.now() - started) * 1000);
  }
  return { largestBuildUs: Math.round(median(builds)), largestBytes: bytes, memoHitUs: Math.round(median(hits) * 10) / 10 };
}

export async function measureInProcess(seconds: number): Promise<InProcessResult> {
  await corePairs(0.5); // warm-up: compile the validators, let the JIT settle
  const core = await corePairs(seconds);
  await mswPairs(0.5);
  const msw = await mswPairs(seconds);
  media(50); // warm-up
  return { corePairsPerSecond: core, mswPairsPerSecond: msw, lifecycle: await lifecycle(1000), media: media(500) };
}
