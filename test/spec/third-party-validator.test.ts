import { fc } from '@fast-check/vitest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNodeHttpMockServer, type RunningMockServer } from '../../mocks/node-http.js';
import { getOperation, operations } from '../../src/contract/openapi-document.js';
import { validateResponse } from '../../src/contract/validate-response.js';
import { startPrism, type RunningPrism } from '../../src/prism/start-prism.js';
import { defect, validRequest } from '../../src/verify/arbitraries.js';

// Prism's proxy (a validator we did not write) checks every answer of a seeded random walk over
// every operation of both documents, with every documented code forced and some undocumented
// ones: a status, a header or a body the spec lacks is reported in `sl-violations`.

const SEED = Number(process.env['WALK_SEED'] ?? 20_260_425);
const RUNS = Number(process.env['WALK_RUNS'] ?? 4);
const MODEL = 'openai/sora-2-video-to-video-remix';
const ADMIN_SPEC = new URL('../../openapi/mock-admin.yaml', import.meta.url).pathname;

let mock: RunningMockServer;
let video: RunningPrism;
let admin: RunningPrism;
beforeAll(async () => {
  mock = await startNodeHttpMockServer({ port: 0, timing: 'steps', seed: 5, rpm: 40, creditsCents: 500, failureRate: 0.3 });
  [video, admin] = await Promise.all([
    startPrism({ mode: 'proxy', upstream: mock.origin }),
    startPrism({ mode: 'proxy', upstream: mock.origin, specPath: ADMIN_SPEC }),
  ]);
});
afterAll(async () => {
  await Promise.all([video?.stop(), admin?.stop()]);
  await mock?.close();
});

const codesOf = (operationId: string): number[] => getOperation(operationId).responses.map((r) => Number(r.status));
const forced = (operationId: string) => fc.option(fc.constantFrom(...codesOf(operationId), 206, 302, 402, 418), { nil: null });
const errorsOf = (operationId: string) => codesOf(operationId).filter((s) => s >= 400);

type Step =
  | { op: 'createVideo'; body: unknown; prefer: string | null }
  | { op: 'getJob'; job: number | null; code: number | null; auth: boolean }
  | { op: 'cancelJob' | 'deleteJob'; job: number | null; code: number | null }
  | { op: 'listModels'; modality: string | null; provider: string | null; code: number | null }
  | { op: 'downloadJobMedia'; job: number; range: string | null; ifRange: string | null; code: number | null }
  | { op: 'admin'; method: string; path: string; body: unknown; type: string | null; key: boolean; origin: string | null };

const invalidBody = fc.tuple(validRequest({ costFree: true }), defect).map(([valid, d]) => {
  const body: Record<string, unknown> = { ...valid };
  d.apply(body);
  return body;
});
const faultOf = fc.constantFrom('createVideo', 'getJob', 'downloadJobMedia').chain((operation) =>
  fc.record({ operation: fc.constant(operation), status: fc.constantFrom(...errorsOf(operation), 402, 418), count: fc.integer({ min: 1, max: 2 }) }),
);
const adminCalls = [
  fc.constant({ method: 'GET', path: '/__mock/health', body: undefined }),
  fc.constant({ method: 'GET', path: '/__mock/clock', body: undefined }),
  fc.record({ method: fc.constant('POST'), path: fc.constant('/__mock/clock'), body: fc.oneof(fc.record({ advance_ms: fc.integer({ min: 0, max: 20_000 }) }), fc.constant({ advance_ms: -1 })) }),
  fc.record({ method: fc.constant('GET'), path: fc.constantFrom('/__mock/journal', '/__mock/journal?limit=3', '/__mock/journal?limit=0', '/__mock/journal?limit=x'), body: fc.constant(undefined) }),
  fc.constant({ method: 'DELETE', path: '/__mock/journal', body: undefined }),
  fc.constant({ method: 'GET', path: '/__mock/wallet', body: undefined }),
  fc.record({ method: fc.constant('PUT'), path: fc.constant('/__mock/wallet'), body: fc.oneof(fc.record({ balance_cents: fc.integer({ min: 0, max: 600 }) }), fc.constant({ balance_cents: 'lots' })) }),
  fc.constant({ method: 'GET', path: '/__mock/faults', body: undefined }),
  fc.record({ method: fc.constant('POST'), path: fc.constant('/__mock/faults'), body: faultOf }),
  fc.constant({ method: 'DELETE', path: '/__mock/faults', body: undefined }),
  fc.constant({ method: 'POST', path: '/__mock/reset', body: undefined }),
  // The dashboard's routes; {key} is the walk's key fingerprint, {job} one of its jobs.
  fc.record({ method: fc.constant('GET'), path: fc.constantFrom('/__mock/jobs', '/__mock/jobs?key={key}&status=queued,processing&limit=2', '/__mock/jobs?status=bogus!', '/__mock/jobs?limit=0'), body: fc.constant(undefined) }),
  fc.record({ method: fc.constant('GET'), path: fc.constantFrom('/__mock/jobs/{job}', '/__mock/jobs/job_unknown'), body: fc.constant(undefined) }),
  fc.record({ method: fc.constant('GET'), path: fc.constantFrom('/__mock/keys', '/__mock/keys?offset=1&limit=2', '/__mock/keys?limit=501'), body: fc.constant(undefined) }),
  fc.record({ method: fc.constant('GET'), path: fc.constantFrom('/__mock/keys/{key}', '/__mock/keys/key_unknown'), body: fc.constant(undefined) }),
  fc.constant({ method: 'DELETE', path: '/__mock/keys/{key}', body: undefined }),
  fc.record({ method: fc.constant('PUT'), path: fc.constantFrom('/__mock/keys/{key}/wallet', '/__mock/keys/key_unknown/wallet'), body: fc.oneof(fc.record({ balance_cents: fc.integer({ min: 0, max: 600 }) }), fc.constant({ balance_cents: -1 })) }),
  fc.record({ method: fc.constant('POST'), path: fc.constant('/__mock/keys/{key}/faults'), body: faultOf }),
  fc.constant({ method: 'DELETE', path: '/__mock/keys/{key}/faults', body: undefined }),
];
const asAdminStep = (calls: fc.Arbitrary<{ method: string; path: string; body: unknown }>): fc.Arbitrary<Step> =>
  calls.chain((call) =>
    fc.record({
      op: fc.constant('admin' as const),
      method: fc.constant(call.method),
      path: fc.constant(call.path),
      body: fc.constant(call.body as unknown),
      // Mostly JSON; now and then what a web page would send.
      type: fc.constantFrom<string | null>('application/json', 'application/json', 'application/json', 'text/plain', null),
      key: fc.boolean(),
      origin: fc.constantFrom<string | null>(null, null, null, 'http://evil.example'),
    }),
  );
const adminStep: fc.Arbitrary<Step> = asAdminStep(fc.oneof(...adminCalls));
const apiSteps = [
  { weight: 3, arbitrary: fc.record({ op: fc.constant('createVideo' as const), body: fc.oneof(validRequest({ costFree: true }), invalidBody, fc.constant({ model: 'acme/none', prompt: 'p' })), prefer: fc.oneof(forced('createVideo').map((c) => (c === null ? null : `code=${c}`)), fc.constantFrom('outcome=failed', 'failure=bogus, outcome=failed')) }) },
  { weight: 3, arbitrary: fc.record({ op: fc.constant('getJob' as const), job: fc.option(fc.nat(6), { nil: null }), code: forced('getJob'), auth: fc.constantFrom(true, true, true, false) }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('cancelJob' as const), job: fc.option(fc.nat(6), { nil: null }), code: forced('cancelJob') }) },
  { weight: 1, arbitrary: fc.record({ op: fc.constant('deleteJob' as const), job: fc.option(fc.nat(6), { nil: null }), code: forced('deleteJob') }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('listModels' as const), modality: fc.constantFrom(null, '', 'video', 'x'.repeat(41)), provider: fc.constantFrom(null, '', 'openai', 'p'.repeat(101)), code: forced('listModels') }) },
  { weight: 2, arbitrary: fc.record({ op: fc.constant('downloadJobMedia' as const), job: fc.nat(6), range: fc.constantFrom(null, 'bytes=0-9', 'bytes=-5', 'bytes=999999999-', 'pages=1'), ifRange: fc.constantFrom(null, null, '"etag"'), code: forced('downloadJobMedia') }) },
] as const;
const step: fc.Arbitrary<Step> = fc.oneof(...apiSteps, { weight: 7, arbitrary: adminStep });
// Every kind of call once, so that each walk reaches every operation whatever the seed.
const tour: fc.Arbitrary<Step[]> = fc.tuple(...apiSteps.map((a) => a.arbitrary), ...adminCalls.map((c) => asAdminStep(c)));

interface Seen {
  step: string;
  operationId: string;
  status: number;
  violations: string[];
}

async function play(steps: Step[], key: string): Promise<Seen[]> {
  const auth = { authorization: `Bearer ${key}` };
  const fingerprint = await mock.simulation.fingerprint(key);
  const jobs: string[] = [];
  const seen: Seen[] = [];
  for (const s of steps) {
    let base = video.origin;
    let method = 'GET';
    let path: string;
    const headers: Record<string, string> = {};
    let body: string | undefined;
    let operationId: string = s.op;
    switch (s.op) {
      case 'createVideo':
        method = 'POST';
        path = '/v1/videos/generations';
        Object.assign(headers, auth, { 'content-type': 'application/json' }, s.prefer === null ? {} : { prefer: s.prefer });
        // (Invalid JSON is not walked: Prism answers it itself, without asking the mock.)
        body = JSON.stringify(s.body);
        break;
      case 'getJob':
        path = `/v1/jobs/${s.job === null ? 'job_unknown' : (jobs[s.job % Math.max(1, jobs.length)] ?? 'job_none')}${s.code === null ? '' : `?__code=${s.code}`}`;
        Object.assign(headers, s.auth ? auth : {});
        break;
      case 'cancelJob':
      case 'deleteJob': {
        const id = s.job === null ? 'job_unknown' : (jobs[s.job % Math.max(1, jobs.length)] ?? 'job_none');
        method = s.op === 'cancelJob' ? 'POST' : 'DELETE';
        path = `/v1/jobs/${id}${s.op === 'cancelJob' ? '/cancel' : ''}${s.code === null ? '' : `?__code=${s.code}`}`;
        Object.assign(headers, auth);
        break;
      }
      case 'listModels': {
        const query = new URLSearchParams();
        if (s.modality !== null) query.set('modality', s.modality);
        if (s.provider !== null) query.set('provider', s.provider);
        if (s.code !== null) query.set('__code', String(s.code));
        path = `/v1/models${query.size > 0 ? `?${query}` : ''}`;
        Object.assign(headers, auth);
        break;
      }
      case 'downloadJobMedia':
        path = `/v1/files/jobs/${jobs[s.job % Math.max(1, jobs.length)] ?? 'job_none'}/video.mp4${s.code === null ? '' : `?__code=${s.code}`}`;
        Object.assign(headers, s.range === null ? {} : { range: s.range }, s.ifRange === null ? {} : { 'if-range': s.ifRange });
        break;
      case 'admin': {
        base = admin.origin;
        method = s.method;
        path = s.path.replaceAll('{key}', fingerprint).replaceAll('{job}', jobs[0] ?? 'job_none');
        const match = operations.find((o) => o.document === 'admin' && o.method === s.method.toLowerCase() && o.pathPattern.test(path.split('?')[0] ?? ''));
        operationId = match?.operationId ?? 'admin';
        Object.assign(headers, s.key ? auth : {}, s.type === null ? {} : { 'content-type': s.type }, s.origin === null ? {} : { origin: s.origin });
        if (s.body !== undefined) body = JSON.stringify(s.body);
        break;
      }
    }
    const response = await fetch(`${base}${path}`, { method, headers, ...(body === undefined ? {} : { body }) });
    const text = Buffer.from(await response.arrayBuffer());
    const header = response.headers.get('sl-violations');
    const violations = header === null ? [] : (JSON.parse(header) as Array<{ location: string[]; severity: string; message: string }>)
      // Prism reports an undocumented status as a Warning: every finding about the response counts.
      .filter((v) => v.location[0] === 'response')
      .map((v) => `prism ${v.severity} at ${v.location.join('.')}: ${v.message}`);
    // Our own reading of the same answer: the status documented, the body and headers valid.
    if (!codesOf(operationId).includes(response.status)) violations.push(`status ${response.status} is not documented for ${operationId}`);
    const type = response.headers.get('content-type') ?? '';
    if (type.includes('json') && codesOf(operationId).includes(response.status)) {
      violations.push(...validateResponse(operationId, response.status, response.headers, JSON.parse(text.toString('utf8'))).map((v) => `${v.param}: ${v.message}`));
    }
    if (s.op === 'createVideo' && response.status < 300) jobs.push((JSON.parse(text.toString('utf8')) as { id: string }).id);
    seen.push({ step: `${method} ${path} ${JSON.stringify(headers)} ${body ?? ''}`.slice(0, 300), operationId, status: response.status, violations });
  }
  return seen;
}

let run = 0;
describe("Prism's proxy over a seeded random walk of the mock", () => {
  it(`finds no answer the spec does not document (seed ${SEED}, ${RUNS} walks; WALK_SEED=n to replay another)`, async () => {
    const covered = new Set<string>();
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 30, maxLength: 60 }), tour, async (walk, every) => {
        const steps = [...walk, ...every];
        const seen = await play(steps, `sk-aig-walk-${run++}`);
        for (const s of seen) covered.add(`${s.operationId} ${s.status}`);
        const bad = seen.filter((s) => s.violations.length > 0);
        expect(bad.map((s) => `${s.step} -> ${s.status}: ${s.violations.join('; ')}`)).toEqual([]);
      }),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
    // The walk reached every operation, and forced or natural errors on each. Not the event stream:
    // it never ends, and Prism's proxy validates a whole answer (test/sim/event-feed.test.ts checks
    // its events against the spec's schemas).
    const reached = new Set([...covered].map((c) => c.split(' ')[0]));
    const unreached = operations.map((o) => o.operationId).filter((id) => id !== 'mockEvents' && !reached.has(id));
    expect(unreached, 'operations the walk never reached').toEqual([]);
  });
});
