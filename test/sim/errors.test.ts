import { describe, expect, it } from 'vitest';
import { operations } from '../../src/contract/openapi-document.js';
import { validateResponse } from '../../src/contract/validate-response.js';
import { createSimulation } from '../../src/sim/simulation.js';
import { call, create, poll, virtualClock, MODEL } from '../support/sim-call.js';

const sim = () => createSimulation({ now: virtualClock().now });

describe('authentication', () => {
  it.each([
    ['no Authorization header', null],
    ['a key without the sk-aig- prefix', 'sk-other-1'],
    ['an empty sk-aig- key', 'sk-aig-'],
  ])('answers 401 authentication_error for %s', async (_name, key) => {
    const r = await create(sim(), {}, { key });
    expect(r.status).toBe(401);
    expect(r.json.error).toMatchObject({ type: 'authentication_error', param: 'Authorization' });
    expect(validateResponse('createVideo', 401, r.headers, r.json)).toEqual([]);
  });

  it('answers 401 for a Basic scheme even with a valid-looking key', async () => {
    const r = await call(sim(), 'GET', '/v1/jobs/job_1', { key: null, headers: { authorization: 'Basic sk-aig-abc' } });
    expect(r.status).toBe(401);
  });

  it('accepts only the listed keys when an allow-list is set', async () => {
    const s = createSimulation({ apiKeys: ['sk-aig-allowed'], now: virtualClock().now });
    expect((await create(s, {}, { key: 'sk-aig-allowed' })).status).toBe(202);
    expect((await create(s, {}, { key: 'sk-aig-other' })).status).toBe(401);
  });
});

describe('validation errors', () => {
  it.each([
    ['a missing prompt', { prompt: undefined }, 'prompt'],
    ['a blank prompt', { prompt: '  ' }, 'prompt'],
    ['a duration over the maximum', { duration: 21 }, 'duration'],
    ['a fractional duration', { duration: 2.5 }, 'duration'],
    ['an unknown aspect ratio', { aspect_ratio: '4:3' }, 'aspect_ratio'],
    ['a webhook that is not a URL', { webhook_url: 'nope' }, 'webhook_url'],
  ])('answers 400 naming the field for %s', async (_name, patch, param) => {
    const r = await create(sim(), patch);
    expect(r.status).toBe(400);
    expect(r.json.error).toMatchObject({ type: 'invalid_request_error', param });
    expect(r.json.error.message).toMatch(new RegExp(`^${param}: `));
    expect(validateResponse('createVideo', 400, r.headers, r.json)).toEqual([]);
  });

  it('answers 400 invalid_json for a body that is not JSON', async () => {
    const r = await call(sim(), 'POST', '/v1/videos/generations', { rawBody: '{"model": ' });
    expect(r.status).toBe(400);
    expect(r.json.error).toMatchObject({ code: 'invalid_json', param: 'body' });
  });

  it('answers 400 when the body is missing', async () => {
    const r = await call(sim(), 'POST', '/v1/videos/generations', { headers: { 'content-type': 'application/json' } });
    expect(r.status).toBe(400);
    expect(r.json.error).toMatchObject({ param: 'body', code: 'missing_required_field' });
  });

  it('answers 415 for a body that is not JSON by its content type', async () => {
    const r = await call(sim(), 'POST', '/v1/videos/generations', { rawBody: 'a=b', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    expect(r.status).toBe(415);
    expect(r.json.error).toMatchObject({ param: 'Content-Type', code: 'unsupported_media_type' });
    expect(validateResponse('createVideo', 415, r.headers, r.json)).toEqual([]);
  });

  it('answers 413 for a body over the limit', async () => {
    const s = createSimulation({ bodyLimitBytes: 100, now: virtualClock().now });
    const r = await create(s, { prompt: 'x'.repeat(200) });
    expect(r.status).toBe(413);
    expect(r.json.error).toMatchObject({ code: 'request_too_large', message: 'The request body is larger than 100 bytes.' });
  });

  it('ignores fields it does not know, as the gateway does', async () => {
    expect((await create(sim(), { seed: 42, style: 'noir' })).status).toBe(202);
  });
});

describe('not found', () => {
  it('answers 404 not_found naming the model for an unknown model', async () => {
    const r = await create(sim(), { model: 'acme/video-9000' });
    expect(r.status).toBe(404);
    expect(r.json.error).toMatchObject({ type: 'not_found', code: 'model_not_found', param: 'model' });
    expect(r.json.error.message).toContain(MODEL);
  });

  it('answers 404 for an unknown job id', async () => {
    const r = await poll(sim(), 'job_doesnotexist');
    expect(r.status).toBe(404);
    expect(r.json.error).toMatchObject({ type: 'not_found', code: 'job_not_found', param: 'id', message: "Job 'job_doesnotexist' not found." });
  });

  it('answers 404, a documented status, for an id no job can have (too long)', async () => {
    const r = await poll(sim(), 'x'.repeat(300));
    expect(r.status).toBe(404);
    expect(validateResponse('getJob', r.status, r.headers, r.json)).toEqual([]);
  });

  it("answers 404 for another key's job, so ids never leak across keys", async () => {
    const s = sim();
    const id = (await create(s, {}, { key: 'sk-aig-alice' })).json.id;
    expect((await poll(s, id, { key: 'sk-aig-bob' })).status).toBe(404);
    expect((await poll(s, id, { key: 'sk-aig-alice' })).status).toBe(200);
  });

  it('answers 404 in the envelope, with Allow, for a method the path does not support', async () => {
    const r = await call(sim(), 'PUT', '/v1/jobs/job_1');
    expect(r.status).toBe(404);
    expect(r.headers['allow']).toBe('GET, DELETE');
    expect(r.json.error.type).toBe('not_found');
  });

  it('answers 404 in the envelope for an unknown path', async () => {
    const r = await call(sim(), 'GET', '/v1/videos');
    expect(r.status).toBe(404);
    expect(r.json.error).toMatchObject({ type: 'not_found', code: 'unknown_endpoint' });
  });
});

describe('the model list', () => {
  it('lists the catalog, OpenAI-shaped, with each price per video second', async () => {
    const r = await call(sim(), 'GET', '/v1/models');
    expect(r.status).toBe(200);
    expect(r.json).toEqual({
      object: 'list',
      data: [{ id: MODEL, object: 'model', owned_by: 'openai', modality: 'video', name: 'Sora 2 Video To Video Remix', pricing: { per_second_usd: 0.1 } }],
    });
    expect(validateResponse('listModels', 200, r.headers, r.json)).toEqual([]);
  });

  it('filters by modality and provider', async () => {
    expect((await call(sim(), 'GET', '/v1/models?modality=video&provider=openai')).json.data).toHaveLength(1);
    expect((await call(sim(), 'GET', '/v1/models?modality=image')).json.data).toEqual([]);
    expect((await call(sim(), 'GET', '/v1/models?provider=acme')).json.data).toEqual([]);
  });

  it('needs a key like every API call', async () => {
    expect((await call(sim(), 'GET', '/v1/models', { key: null })).status).toBe(401);
  });
});

describe('forced statuses (Prefer: code=NNN and ?__code=NNN)', () => {
  const cases = operations
    .filter((op) => op.document === 'video')
    .flatMap((op) => op.responses.map((r) => ({ operationId: op.operationId, status: Number(r.status), op })));
  // Each operation's own path, its parameters filled in.
  const urlOf = (op: (typeof cases)[number]['op']) => op.pathTemplate.replace('{filename}', 'video.mp4').replace(/\{[^}]+\}/g, 'job_x');

  it.each(cases.filter((c) => c.status >= 400))('answers $operationId with a spec-valid $status on request', async ({ operationId, status, op }) => {
    const r = await call(sim(), op.method.toUpperCase(), urlOf(op), {
      headers: { prefer: `code=${status}` },
      ...(operationId === 'createVideo' ? { body: { model: MODEL, prompt: 'p' } } : {}),
    });
    expect(r.status).toBe(status);
    expect(validateResponse(operationId, status, r.headers, r.json)).toEqual([]);
    expect(r.headers['preference-applied']).toBe(`code=${status}`);
  });

  it('answers a forced 429 with Retry-After and the rate-limit headers, and a 503 with Retry-After', async () => {
    const limited = await poll(sim(), 'job_x', { headers: { prefer: 'code=429, retry-after=7' } });
    expect(limited.headers).toMatchObject({ 'retry-after': '7', 'x-ratelimit-remaining-requests': '0' });
    expect((await poll(sim(), 'job_x', { headers: { prefer: 'code=503' } })).headers['retry-after']).toBe('2');
  });

  it('answers a forced 503 without Retry-After on retry-after=none, and keeps it on a 429, saying so', async () => {
    const bare = await poll(sim(), 'job_x', { headers: { prefer: 'code=503, retry-after=none' } });
    expect(bare.status).toBe(503);
    expect(bare.headers).not.toHaveProperty('retry-after');
    expect(validateResponse('getJob', 503, bare.headers, bare.json)).toEqual([]);
    const limited = await poll(sim(), 'job_x', { headers: { prefer: 'code=429, retry-after=none' } });
    expect(limited.headers['retry-after']).toBe('2');
    expect(limited.headers['x-aigw-preference-ignored']).toBe('retry-after=none (a 429 always carries Retry-After)');
  });

  it('takes the forced status from ?__code= as well', async () => {
    expect((await call(sim(), 'GET', '/v1/jobs/job_x?__code=500')).status).toBe(500);
  });

  it('ignores an undocumented code, naming the documented ones in x-aigw-preference-ignored (decision 017)', async () => {
    const r = await poll(sim(), 'job_x', { headers: { prefer: 'code=402' } });
    expect(r.status).toBe(404);
    expect(r.headers['x-aigw-preference-ignored']).toBe('code=402 (getJob documents 200, 401, 404, 429, 500, 503)');
  });

  it('creates the job and answers 200 when a create asks for code=200', async () => {
    const s = sim();
    const r = await create(s, {}, { headers: { prefer: 'code=200' } });
    expect(r.status).toBe(200);
    expect((await poll(s, r.json.id)).status).toBe(200);
  });
});
