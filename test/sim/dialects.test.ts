import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { dialectFrom, dialectPoints, namedDialects, parseDialect, type Dialect, type DialectChoices } from '../../src/contract/dialects.js';
import { getOperation, matchOperation } from '../../src/contract/openapi-document.js';
import { validateResponse } from '../../src/contract/validate-response.js';
import { createSimulation, type Simulation } from '../../src/sim/simulation.js';
import { call, create, poll, virtualClock, type CallResult } from '../support/sim-call.js';

// Each point of disagreement, in each named dialect: the mock answers as the dialect says, and every
// answer is valid against that dialect's schemas (the spec patched by the dialect's choices).

const named = Object.values(namedDialects);

function mock(dialect: string | Dialect, extra: Parameters<typeof createSimulation>[0] = {}) {
  const clock = virtualClock();
  const sim = createSimulation({ dialect, timing: 'steps', now: clock.now, ...extra });
  return { sim, clock };
}

/** Asserts the answer is valid in the dialect, and answers it. */
function valid(operationId: string, r: CallResult, dialect: Dialect): CallResult {
  expect(validateResponse(operationId, r.status, r.headers, r.json ?? undefined, dialect), `${operationId} ${r.status} in ${dialect.name}: ${JSON.stringify(r.json)}`).toEqual([]);
  return r;
}

/** Polls until the job ends, moving the clock past any fast-poll interval in between. */
async function pollToEnd(sim: Simulation, tick: (ms: number) => void, id: string, dialect: Dialect): Promise<CallResult[]> {
  const seen: CallResult[] = [];
  for (let i = 0; i < 10; i++) {
    tick(3000);
    const r = valid('getJob', await poll(sim, id), dialect);
    seen.push(r);
    if (['completed', 'failed', 'cancelled'].includes(r.json.status)) return seen;
  }
  throw new Error(`job ${id} did not end`);
}

describe.each(named)('the mock in the $name dialect', (dialect) => {
  const { choices } = dialect;

  it(`answers a create with ${choices['create-status']}, the job queued`, async () => {
    const { sim } = mock(dialect);
    const r = valid('createVideo', await create(sim), dialect);
    expect(r.status).toBe(Number(choices['create-status']));
    expect(r.json.status).toBe('queued');
  });

  it(`stamps jobs with the time fields of '${choices['time-fields']}'`, async () => {
    const { sim } = mock(dialect);
    const job = (await create(sim)).json;
    const present = ['created', 'created_at', 'updated_at'].filter((f) => f in job);
    const expected = { created: ['created'], created_at: ['created_at', 'updated_at'], both: ['created', 'created_at', 'updated_at'], none: [] }[choices['time-fields']];
    expect(present).toEqual(expected);
  });

  it(`names statuses as '${choices.statuses}' and puts the video at '${choices['result-location']}'`, async () => {
    const { sim, clock } = mock(dialect, { steps: { processingPolls: 2 } });
    const id = (await create(sim)).json.id;
    const seen = await pollToEnd(sim, clock.tick, id, dialect);
    const statuses = seen.map((r) => r.json.status);
    expect(statuses).toEqual([choices.statuses === 'docs' ? 'running' : 'processing', choices.statuses === 'docs' ? 'running' : 'processing', 'completed']);
    const done = seen.at(-1)?.json;
    const url = `http://127.0.0.1:4010/v1/files/jobs/${id}/video.mp4`;
    const where = {
      'result.url': { result: { url, duration: 5, resolution: '1920x1080' } },
      result_url: { result_url: url },
      'result.file_url': { result: { file_url: url, duration: 5, resolution: '1920x1080' } },
      'result.url+result_url': { result: { url, duration: 5, resolution: '1920x1080' }, result_url: url },
    }[choices['result-location']];
    expect({ result: done.result, result_url: done.result_url }).toEqual({ result: undefined, result_url: undefined, ...where });
  });

  it(`gives a failed job its error as ${choices['failed-error'] === 'string' ? 'a string' : 'an object'}`, async () => {
    const { sim, clock } = mock(dialect);
    const id = (await create(sim, {}, { headers: { prefer: 'outcome=failed, failure=content_policy_violation' } })).json.id;
    const failed = (await pollToEnd(sim, clock.tick, id, dialect)).at(-1)?.json;
    expect(failed.status).toBe('failed');
    const message = "The prompt was rejected by the provider's content policy.";
    expect(failed.error).toEqual(choices['failed-error'] === 'string' ? message : { code: 'content_policy_violation', message });
  });

  it(`types a 401 and a 429 as the '${choices['error-types']}' error types`, async () => {
    const { sim } = mock(dialect, { rpm: 1 });
    const unauthorized = valid('getJob', await poll(sim, 'job_x', { key: null }), dialect);
    expect(unauthorized.json.error.type).toBe(choices['error-types'] === 'docs' ? 'invalid_key' : 'authentication_error');
    await poll(sim, 'job_x');
    const limited = valid('getJob', await poll(sim, 'job_x'), dialect);
    expect(limited.status).toBe(429);
    expect(limited.json.error.type).toBe(choices['error-types'] === 'docs' ? 'rate_limited' : 'rate_limit_error');
    const forced = valid('createVideo', await create(sim, {}, { key: 'sk-aig-other', headers: { prefer: 'code=429' } }), dialect);
    expect(forced.json.error.type).toBe(limited.json.error.type);
  });

  it(`serves the cancel routes of '${choices.cancel}' and answers the others as unknown endpoints`, async () => {
    const { sim } = mock(dialect);
    const served: string[] = { none: [], delete: ['DELETE'], post: ['POST'], both: ['DELETE', 'POST'] }[choices.cancel];
    for (const method of ['DELETE', 'POST']) {
      const id = (await create(sim)).json.id;
      const r = await call(sim, method, method === 'DELETE' ? `/v1/jobs/${id}` : `/v1/jobs/${id}/cancel`);
      if (served.includes(method)) {
        valid(method === 'DELETE' ? 'deleteJob' : 'cancelJob', r, dialect);
        expect(r.status).toBe(200);
        expect(r.json.status).toBe(choices.statuses === 'model-page' ? 'failed' : 'cancelled');
      } else {
        expect(r.status).toBe(404);
        expect(r.json.error.code).toBe('unknown_endpoint');
      }
    }
  });

  it(`answers a poll sooner than 3 s after the last answered one ${choices['fast-poll'] === '304' ? 'with 304 and no body' : 'with the job'}`, async () => {
    const { sim, clock } = mock(dialect, { timing: 'realtime' });
    const id = (await create(sim)).json.id;
    expect((await poll(sim, id)).status).toBe(200);
    clock.tick(2999);
    const soon = valid('getJob', await poll(sim, id), dialect);
    if (choices['fast-poll'] === '304') {
      expect(soon.status).toBe(304);
      expect(soon.response.body).toEqual({ kind: 'none' });
    } else expect(soon.status).toBe(200);
    clock.tick(1);
    expect((await poll(sim, id)).status).toBe(200);
  });
});

describe('fast-poll 304 (the docs pages: polling one job more often than every 3 s answers 304)', () => {
  const dialect = parseDialect('union,fast-poll=304');

  it('measures the 3 s from the last poll that answered the job, so a client at a 1 s floor sees the job every third poll', async () => {
    const { sim, clock } = mock(dialect, { timing: 'realtime' });
    const id = (await create(sim)).json.id;
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) {
      statuses.push((await poll(sim, id)).status);
      clock.tick(1000);
    }
    expect(statuses).toEqual([200, 304, 304, 200, 304, 304, 200]);
  });

  it('does not step a job in steps timing on a 304: only answered polls move it', async () => {
    const { sim, clock } = mock(dialect, { steps: { processingPolls: 1 } });
    const id = (await create(sim)).json.id;
    expect((await poll(sim, id)).json.status).toBe('processing');
    expect((await poll(sim, id)).status).toBe(304);
    expect((await poll(sim, id)).status).toBe(304);
    clock.tick(3000);
    expect((await poll(sim, id)).json.status).toBe('completed');
  });

  it('keeps the interval per job: another job of the same key answers at once', async () => {
    const { sim } = mock(dialect, { timing: 'realtime' });
    const first = (await create(sim)).json.id;
    const second = (await create(sim)).json.id;
    expect((await poll(sim, first)).status).toBe(200);
    expect((await poll(sim, second)).status).toBe(200);
    expect((await poll(sim, first)).status).toBe(304);
  });

  it('answers only one of two simultaneous polls with the job', async () => {
    const { sim } = mock(dialect, { timing: 'realtime' });
    const id = (await create(sim)).json.id;
    const answers = await Promise.all([poll(sim, id), poll(sim, id), poll(sim, id)]);
    expect(answers.map((r) => r.status).sort()).toEqual([200, 304, 304]);
  });

  it('records the 304s in the journal like any answer', async () => {
    const { sim } = mock(dialect, { timing: 'realtime' });
    const id = (await create(sim)).json.id;
    await poll(sim, id);
    await poll(sim, id);
    const polls = (await sim.journal()).filter((e) => e.operation === 'getJob');
    expect(polls.map((e) => [e.status, e.job_id])).toEqual([
      [200, id],
      [304, id],
    ]);
  });
});

describe('the dialect option', () => {
  it('defaults to union and tells it in the control API health', async () => {
    const { sim } = mock('union');
    expect(sim.config.dialect.name).toBe('union');
    const health = await call(createSimulation(), 'GET', '/__mock/health');
    expect(health.json.dialect).toEqual({ name: 'union', choices: namedDialects.union.choices });
  });

  it('takes a named dialect with point overrides, as a string or a Dialect', () => {
    expect(createSimulation({ dialect: 'docs,fast-poll=none' }).config.dialect.choices['fast-poll']).toBe('none');
    const custom = { name: 'anything', choices: { ...namedDialects['node-sdk'].choices, cancel: 'post' as const } };
    expect(createSimulation({ dialect: custom }).config.dialect.name).toBe('node-sdk,cancel=post');
  });

  it.each([
    ['docs,fast-poll=sometimes', /fast-poll=sometimes: 'sometimes' is not a choice of fast-poll; choices: 304, none/],
    ['klingon', /'klingon' is not a dialect; named dialects: union/],
  ])('refuses %j, naming the point and the valid choices', (dialect, message) => {
    expect(() => createSimulation({ dialect })).toThrow(message);
  });

  it('refuses a Dialect object with a choice no point has', () => {
    const bad = { name: 'x', choices: { ...namedDialects.docs.choices, statuses: 'shouting' } } as unknown as Dialect;
    expect(() => createSimulation({ dialect: bad })).toThrow(/statuses: "shouting" is not a choice of statuses; choices: model-page, model-page\+cancelled, docs/);
  });
});

describe('the mock in any dialect', () => {
  const anyDialect = fc
    .record(Object.fromEntries(dialectPoints.map((p) => [p.id, fc.constantFrom(...p.choices.map((c) => c.id))])) as Record<string, fc.Arbitrary<string>>)
    .map((choices) => dialectFrom(choices as DialectChoices));
  type Step = { kind: 'create'; prefer: string | null } | { kind: 'poll' | 'delete' | 'post'; job: number } | { kind: 'advance'; ms: number } | { kind: 'forced'; code: number } | { kind: 'badAuth' };
  const step: fc.Arbitrary<Step> = fc.oneof(
    fc.record({ kind: fc.constant('create' as const), prefer: fc.constantFrom(null, 'outcome=failed', 'code=200', 'code=429') }),
    fc.record({ kind: fc.constantFrom('poll' as const, 'poll' as const, 'delete' as const, 'post' as const), job: fc.nat(5) }),
    fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 5000 }) }),
    fc.record({ kind: fc.constant('forced' as const), code: fc.nat(20) }),
    fc.constant({ kind: 'badAuth' as const }),
  );

  test.prop([anyDialect, fc.constantFrom('steps' as const, 'realtime' as const), fc.array(step, { minLength: 1, maxLength: 30 })], { numRuns: 80 })(
    'answers every request with a status, headers and body valid against that dialect',
    async (dialect, timing, steps) => {
      const { sim, clock } = mock(dialect, { timing });
      const jobs: string[] = [];
      const pick = (n: number): string => jobs[n % Math.max(jobs.length, 1)] ?? 'job_none';
      for (const s of steps) {
        let r: CallResult;
        if (s.kind === 'create') r = await create(sim, {}, s.prefer === null ? {} : { headers: { prefer: s.prefer } });
        else if (s.kind === 'poll') r = await poll(sim, pick(s.job));
        else if (s.kind === 'delete') r = await call(sim, 'DELETE', `/v1/jobs/${pick(s.job)}`);
        else if (s.kind === 'post') r = await call(sim, 'POST', `/v1/jobs/${pick(s.job)}/cancel`);
        else if (s.kind === 'forced') {
          // A status the dialect documents for getJob (an undocumented one is refused with 400, by design).
          const documented = getOperation('getJob', dialect).responses.map((x) => x.status);
          r = await poll(sim, pick(0), { headers: { prefer: `code=${documented[s.code % documented.length] ?? '200'}` } });
        }
        else if (s.kind === 'badAuth') r = await poll(sim, pick(0), { key: null });
        else {
          if (s.kind === 'advance') clock.tick(s.ms);
          continue;
        }
        if (typeof r.json?.id === 'string' && r.json.id.startsWith('job_') && !jobs.includes(r.json.id)) jobs.push(r.json.id);
        const path = s.kind === 'create' ? '/v1/videos/generations' : s.kind === 'delete' || s.kind === 'poll' || s.kind === 'forced' || s.kind === 'badAuth' ? '/v1/jobs/x' : '/v1/jobs/x/cancel';
        const method = s.kind === 'create' || s.kind === 'post' ? 'POST' : s.kind === 'delete' ? 'DELETE' : 'GET';
        const match = matchOperation(method, path, dialect);
        if (match.operation === null) {
          // A cancel route the dialect lacks: the documented 404 of an unknown endpoint.
          expect(r.status).toBe(404);
          expect(r.json.error.code).toBe('unknown_endpoint');
          continue;
        }
        valid(match.operation.operationId, r, dialect);
      }
    },
  );
});
