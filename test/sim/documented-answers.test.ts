import { describe, expect, it } from 'vitest';
import { getOperation } from '../../src/contract/openapi-document.js';
import { validateResponse } from '../../src/contract/validate-response.js';
import { createSimulation } from '../../src/sim/simulation.js';
import { call, create, MODEL, poll, virtualClock } from '../support/sim-call.js';

const documented = (operationId: string): number[] => getOperation(operationId).responses.map((r) => Number(r.status));
const RATE_HEADERS = ['x-ratelimit-limit-requests', 'x-ratelimit-remaining-requests', 'x-ratelimit-reset-requests'];

async function completedJob() {
  const sim = createSimulation({ timing: 'steps', now: virtualClock().now });
  const id = (await create(sim)).json.id as string;
  await poll(sim, id);
  await poll(sim, id);
  return { sim, url: `/v1/files/jobs/${id}/video.mp4` };
}

describe('GET /v1/models with a filter the spec refuses', () => {
  it.each([
    ['an empty modality', '?modality='],
    ['a 101-character provider', `?provider=${'p'.repeat(101)}`],
  ])('answers a status listModels documents, for %s', async (_, query) => {
    const r = await call(createSimulation(), 'GET', `/v1/models${query}`);
    expect(documented('listModels')).toContain(r.status);
    expect(validateResponse('listModels', r.status, r.headers, r.json)).toEqual([]);
  });
});

describe('Prefer: code=N with a status the operation does not document', () => {
  it('is ignored, as RFC 7240 allows: the answer is the usual one, and a header and the journal say so', async () => {
    const sim = createSimulation({ now: virtualClock().now });
    const r = await poll(sim, 'job_x', { headers: { prefer: 'code=418' } });
    expect(r.status).toBe(404);
    expect(r.headers['preference-applied']).toBeUndefined();
    expect(r.headers['x-aigw-preference-ignored']).toBe('code=418 (getJob documents 200, 401, 404, 429, 500, 503)');
    expect((await sim.journal()).at(-1)?.preference_ignored).toBe('code=418 (getJob documents 200, 401, 404, 429, 500, 503)');
  });

  it('is ignored on a create too (the job is created), and so is ?__code= with a value that is no status', async () => {
    const sim = createSimulation({ now: virtualClock().now });
    const created = await create(sim, {}, { headers: { prefer: 'code=302' } });
    expect(created.status).toBe(202);
    expect(created.headers['x-aigw-preference-ignored']).toMatch(/^code=302 \(createVideo documents /);
    const r = await call(sim, 'GET', '/v1/models?__code=abc');
    expect(r.status).toBe(200);
    expect(r.headers['x-aigw-preference-ignored']).toMatch(/^__code=abc /);
  });

  it('never makes any operation answer a status it does not document', async () => {
    const { sim, url } = await completedJob();
    const targets = [
      ['createVideo', 'POST', '/v1/videos/generations'],
      ['getJob', 'GET', '/v1/jobs/job_x'],
      ['listModels', 'GET', '/v1/models'],
      ['downloadJobMedia', 'GET', url],
    ] as const;
    for (const [operationId, method, path] of targets) {
      for (const code of [100, 200, 201, 202, 204, 206, 301, 400, 401, 402, 403, 404, 409, 413, 415, 416, 418, 422, 429, 500, 502, 503, 504, 999]) {
        const r = await call(sim, method, path, { headers: { prefer: `code=${code}` }, ...(method === 'POST' ? { body: { model: MODEL, prompt: 'p' } } : {}) });
        expect(documented(operationId), `${operationId} with Prefer: code=${code} answered ${r.status}`).toContain(r.status);
      }
    }
  });
});

describe('a forced error to a known key', () => {
  it.each([400, 401, 402, 404, 413, 415, 500, 503])('carries the x-ratelimit-* headers (Prefer: code=%i)', async (code) => {
    const sim = createSimulation({ now: virtualClock().now });
    const r = await create(sim, {}, { headers: { prefer: `code=${code}` } });
    expect(r.status).toBe(code);
    for (const name of RATE_HEADERS) expect(r.headers[name], name).toMatch(/^\d+$/);
    expect(validateResponse('createVideo', code, r.headers, r.json)).toEqual([]);
  });

  it('carries them when armed through the control API too', async () => {
    const sim = createSimulation({ now: virtualClock().now });
    await call(sim, 'POST', '/__mock/faults', { body: { operation: 'getJob', status: 500 } });
    const r = await poll(sim, 'job_x');
    expect(r.status).toBe(500);
    for (const name of RATE_HEADERS) expect(r.headers[name], name).toMatch(/^\d+$/);
  });

  it('402 names the price of the job asked for and the real balance', async () => {
    const sim = createSimulation({ creditsCents: 1234, now: virtualClock().now });
    const r = await create(sim, { duration: 7 }, { headers: { prefer: 'code=402' } });
    expect(r.status).toBe(402);
    expect(r.json.error.message).toBe('Insufficient credits: this job costs $0.70 and the wallet holds $12.34. Top up to continue.');
    await call(sim, 'POST', '/__mock/faults', { body: { operation: 'createVideo', status: 402 } });
    expect((await create(sim, { duration: 3 })).json.error.message).toContain('costs $0.30 and the wallet holds $12.34');
  });
});

describe('media requests RFC 9110 says to answer whole', () => {
  it('answers HEAD with Range as 200 with the whole length (Range is defined for GET only)', async () => {
    const { sim, url } = await completedJob();
    const whole = Number((await call(sim, 'HEAD', url)).headers['content-length']);
    for (const range of ['bytes=0-99', 'bytes=-10', 'bytes=99999999-']) {
      const r = await call(sim, 'HEAD', url, { headers: { range } });
      expect(r.status, range).toBe(200);
      expect(Number(r.headers['content-length'])).toBe(whole);
      expect(r.headers['content-range']).toBeUndefined();
    }
  });

  it('answers a Range with an If-Range that does not match as 200 with the whole file', async () => {
    const { sim, url } = await completedJob();
    const whole = (await call(sim, 'GET', url)).response.body;
    for (const ifRange of ['"some-etag"', 'Wed, 21 Oct 2015 07:28:00 GMT']) {
      const r = await call(sim, 'GET', url, { headers: { range: 'bytes=0-99', 'if-range': ifRange } });
      expect(r.status).toBe(200);
      expect(r.response.body).toEqual(whole);
    }
    expect((await call(sim, 'GET', url, { headers: { range: 'bytes=0-99' } })).status).toBe(206);
  });
});
