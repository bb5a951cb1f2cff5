import { fc, test } from '@fast-check/vitest';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer, type RunningMockServer } from '../../mocks/express.js';
import { startNodeHttpMockServer } from '../../mocks/node-http.js';
import { createHandlers, type MockHandlers } from '../../mocks/msw.js';
import type { Simulation } from '../../src/sim/simulation.js';
import type { SimulationOptions } from '../../src/sim/config.js';
import { operations } from '../../src/contract/openapi-document.js';
import { aspectRatioValues } from '../../src/generated/api.js';
import { dialectFrom, dialectPoints, type Dialect, type DialectChoices } from '../../src/contract/dialects.js';
import { defect, validRequest } from '../../src/verify/arbitraries.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';

// Every request the spec allows, as on a target where jobs cost nothing.
const validVideoRequest = validRequest({ costFree: true });

const MSW_ORIGIN = 'https://api.aigateway.sh';
const START = 1_776_947_082_000;
// One clock per adapter, moved identically; it only runs forward across property runs.
const clocks = { express: START, nodeHttp: START, msw: START, redis: START };
// One key secret for the four, so that they name keys alike (the wallet answers the fingerprint).
// Each job draws its own queued and processing times (around the defaults' scale): the four must draw alike.
const setup: SimulationOptions = {
  seed: 11,
  failureRate: 0.3,
  rpm: 12,
  creditsCents: 300,
  keySecret: 'parity',
  realtime: { queuedMs: { kind: 'lognormal', medianMs: 1000, sigma: 0.5 }, processingMsPerSecond: { kind: 'uniform', minMs: 100, maxMs: 700 } },
};

let express: RunningMockServer;
let nodeHttp: RunningMockServer;
// The fourth party: the node:http adapter over the Redis store (a redis-server of the test's own).
let redis: TestRedis;
let overRedis: RunningMockServer | undefined;
let mswHandlers: MockHandlers;
const msw = setupServer();
beforeAll(async () => {
  msw.listen({ onUnhandledRequest: 'bypass' });
  redis = await startTestRedis();
});
afterAll(async () => {
  msw.close();
  await redis?.dispose();
});

/** The four parties, each with its own clock, all playing one dialect (over Redis, under a prefix of the run's own). */
async function startAdapters(dialect: Dialect, run: number): Promise<void> {
  express = await startMockServer({ port: 0, ...setup, dialect, now: () => clocks.express });
  nodeHttp = await startNodeHttpMockServer({ port: 0, ...setup, dialect, now: () => clocks.nodeHttp });
  overRedis = await startNodeHttpMockServer({ port: 0, ...setup, dialect, store: redis.url, storePrefix: `parity${run}:`, now: () => clocks.redis });
  mswHandlers = createHandlers({ ...setup, dialect, now: () => clocks.msw });
  msw.resetHandlers(...mswHandlers);
}

// Any dialect: one choice per point of the spec's x-dialects.
const anyDialect: fc.Arbitrary<Dialect> = fc
  .record(Object.fromEntries(dialectPoints.map((p) => [p.id, fc.constantFrom(...p.choices.map((c) => c.id))])) as Record<string, fc.Arbitrary<string>>)
  .map((choices) => dialectFrom(choices as DialectChoices));

type Step =
  | { kind: 'create'; body: Record<string, unknown>; prefer: string | null }
  | { kind: 'poll'; job: number | null }
  | { kind: 'media'; job: number; range: string | null }
  | { kind: 'forced'; path: 'create' | 'poll'; code: number }
  | { kind: 'advance'; ms: number }
  | { kind: 'fault'; operation: 'createVideo' | 'getJob'; status: number; count: number }
  | { kind: 'wallet'; cents: number }
  | { kind: 'badAuth' }
  | { kind: 'unknownPath'; method: string }
  | { kind: 'cancel'; job: number; method: 'DELETE' | 'POST' };

const invalidBody = fc.tuple(validVideoRequest, defect).map(([valid, d]) => {
  const body: Record<string, unknown> = { ...valid };
  d.apply(body);
  return body;
});
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('create' as const), body: validVideoRequest as fc.Arbitrary<Record<string, unknown>>, prefer: fc.constantFrom(null, 'outcome=failed', 'outcome=completed') }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('create' as const), body: invalidBody, prefer: fc.constant(null) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('create' as const), body: fc.record({ model: fc.constant('acme/none'), prompt: fc.constant('p') }), prefer: fc.constant(null) }) },
  { weight: 5, arbitrary: fc.record({ kind: fc.constant('poll' as const), job: fc.option(fc.nat(8), { nil: null }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('media' as const), job: fc.nat(8), range: fc.constantFrom(null, 'bytes=0-99', 'bytes=-10', 'bytes=99999999-') }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('forced' as const), path: fc.constantFrom('create' as const, 'poll' as const), code: fc.constantFrom(200, 202, 400, 401, 402, 404, 418, 429, 500, 503) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 15_000 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('fault' as const), operation: fc.constantFrom('createVideo' as const, 'getJob' as const), status: fc.constantFrom(429, 500, 503), count: fc.integer({ min: 1, max: 3 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('wallet' as const), cents: fc.integer({ min: 0, max: 200 }) }) },
  { weight: 1, arbitrary: fc.constant<Step>({ kind: 'badAuth' }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('unknownPath' as const), method: fc.constantFrom('GET', 'DELETE', 'PUT') }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('cancel' as const), job: fc.nat(8), method: fc.constantFrom('DELETE' as const, 'POST' as const) }) },
);

/** The parts of an answer that must agree; the origin in URLs is the adapter's own. */
interface Seen {
  status: number;
  headers: Record<string, string | null>;
  body: unknown;
}
// Every response header either spec documents (x-request-id included), and those the mock adds.
const HEADERS = [
  ...new Set([
    ...operations.flatMap((o) => o.responses.flatMap((r) => r.headers.map((h) => h.name.toLowerCase()))),
    'content-type',
    'allow',
    'preference-applied',
    'x-aigw-preference-ignored',
  ]),
].sort();

async function send(origin: string, method: string, path: string, headers: Record<string, string>, body?: unknown): Promise<Seen> {
  const r = await fetch(`${origin}${path}`, {
    method,
    headers: { ...headers, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const type = r.headers.get('content-type') ?? '';
  // Media compared byte for byte (as base64), not by length.
  const raw = type.includes('json') ? await r.text() : Buffer.from(await r.arrayBuffer()).toString('base64');
  return {
    status: r.status,
    // Content-Length is documented (and compared) on media; a JSON answer's framing is the transport's.
    headers: Object.fromEntries(HEADERS.map((h) => [h, h === 'content-length' && type.includes('json') ? null : r.headers.get(h)])),
    body: type.includes('json') ? JSON.parse(raw.split(origin).join('<origin>')) : raw,
  };
}

async function play(side: keyof typeof clocks, steps: Step[], key: string): Promise<Seen[]> {
  const origins = { express: express.origin, nodeHttp: nodeHttp.origin, msw: MSW_ORIGIN, redis: overRedis?.origin ?? '' };
  const origin = origins[side];
  const auth = { authorization: `Bearer ${key}` };
  const jobs: string[] = [];
  const seen: Seen[] = [];
  for (const s of steps) {
    let result: Seen;
    switch (s.kind) {
      case 'create':
        result = await send(origin, 'POST', '/v1/videos/generations', { ...auth, ...(s.prefer ? { prefer: s.prefer } : {}) }, s.body);
        if (typeof (result.body as { id?: unknown }).id === 'string') jobs.push((result.body as { id: string }).id);
        break;
      case 'poll':
        result = await send(origin, 'GET', `/v1/jobs/${s.job === null ? 'job_unknown' : (jobs[s.job % Math.max(jobs.length, 1)] ?? 'job_none')}`, auth);
        break;
      case 'media':
        result = await send(origin, 'GET', `/v1/files/jobs/${jobs[s.job % Math.max(jobs.length, 1)] ?? 'job_none'}/video.mp4`, s.range ? { range: s.range } : {});
        break;
      case 'forced':
        result =
          s.path === 'create'
            ? await send(origin, 'POST', '/v1/videos/generations', { ...auth, prefer: `code=${s.code}` }, { model: 'openai/sora-2-video-to-video-remix', prompt: 'p', aspect_ratio: aspectRatioValues[0] })
            : await send(origin, 'GET', `/v1/jobs/${jobs[0] ?? 'job_none'}?__code=${s.code}`, auth);
        if (typeof (result.body as { id?: unknown }).id === 'string') jobs.push((result.body as { id: string }).id);
        break;
      case 'advance':
        clocks[side] += s.ms;
        result = { status: 0, headers: {}, body: null };
        break;
      case 'fault':
        result = await send(origin, 'POST', '/__mock/faults', auth, { operation: s.operation, status: s.status, count: s.count, retry_after: 1 });
        (result.body as { id?: string }).id = 'fault';
        break;
      case 'wallet':
        result = await send(origin, 'PUT', '/__mock/wallet', auth, { balance_cents: s.cents });
        break;
      case 'badAuth':
        result = await send(origin, 'GET', '/v1/jobs/job_x', { authorization: 'Bearer nope' });
        break;
      case 'unknownPath':
        result = await send(origin, s.method, '/v1/jobs', auth);
        break;
      case 'cancel': {
        const id = jobs[s.job % Math.max(jobs.length, 1)] ?? 'job_none';
        result = await send(origin, s.method, s.method === 'DELETE' ? `/v1/jobs/${id}` : `/v1/jobs/${id}/cancel`, auth);
        break;
      }
    }
    seen.push(result);
  }
  return seen;
}

let run = 0;
describe('the Express, node:http and MSW adapters, and node:http over the Redis store', () => {
  it('compare every documented header, x-request-id and content-length included', () => {
    expect(HEADERS).toEqual(expect.arrayContaining(['x-request-id', 'content-length', 'content-range', 'retry-after', 'x-ratelimit-reset-requests']));
  });

  test.prop([anyDialect, fc.array(step, { minLength: 1, maxLength: 25 })], { numRuns: 60 })(
    'give the same statuses, bodies and headers for any sequence of requests, clock moves and faults, in any dialect',
    async (dialect, steps) => {
      const n = run++;
      await startAdapters(dialect, n);
      try {
        const key = `sk-aig-parity-${n}`;
        const viaExpress = await play('express', steps, key);
        const viaNodeHttp = await play('nodeHttp', steps, key);
        const viaMsw = await play('msw', steps, key);
        const viaRedis = await play('redis', steps, key);
        expect(viaNodeHttp).toEqual(viaExpress);
        expect(viaMsw).toEqual(viaExpress);
        expect(viaRedis).toEqual(viaExpress);
        // Each job's drawn schedule, as its record keeps it (over Redis too).
        const schedules = async (sim: Simulation) => (await sim.jobs()).map((j) => [j.id, j.queuedMs, j.processingMs]);
        const scheduled = await schedules(express.simulation);
        expect(await schedules(nodeHttp.simulation)).toEqual(scheduled);
        expect(await schedules(mswHandlers.simulation)).toEqual(scheduled);
        expect(await schedules((overRedis as RunningMockServer).simulation)).toEqual(scheduled);
      } finally {
        await express.close();
        await nodeHttp.close();
        await overRedis?.close();
      }
    },
    // Sixty runs, each starting four servers: a minute is too short on a loaded 2-core machine.
    240_000,
  );
});
