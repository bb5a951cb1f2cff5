import OpenAI from 'openai';
import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer, type RunningMockServer } from '../../mocks/express.js';
import { createHandlers } from '../../mocks/msw.js';
import { MODEL } from '../support/sim-call.js';

type Job = { id: string; status: string; result?: { url: string; duration: number; resolution: string }; error?: { code: string } };

/** The SDK's generic methods, as a user of the gateway would call them. */
async function runToEnd(client: OpenAI, body: Record<string, unknown>, headers: Record<string, string> = {}): Promise<Job> {
  const job = await client.post<Job>('/videos/generations', { body: { model: MODEL, prompt: 'a lake', ...body }, headers });
  expect(job.status).toBe('queued');
  for (let i = 0; i < 10; i++) {
    const current = await client.get<Job>(`/jobs/${job.id}`);
    if (current.status === 'completed' || current.status === 'failed') return current;
  }
  throw new Error('the job never ended');
}

describe('the official openai SDK against the Express mock', () => {
  let server: RunningMockServer;
  beforeAll(async () => {
    server = await startMockServer({ port: 0, timing: 'steps' });
  });
  afterAll(() => server.close());
  const client = (key = 'sk-aig-openai', maxRetries = 2) => new OpenAI({ apiKey: key, baseURL: server.url, maxRetries });

  it('creates a job, polls it to completion and reads its result', async () => {
    const job = await runToEnd(client(), { duration: 8, aspect_ratio: '1:1' });
    expect(job).toMatchObject({ status: 'completed', result: { duration: 8, resolution: '1080x1080' } });
  });

  it('lists the video models through models.list()', async () => {
    const models = [];
    for await (const model of client().models.list()) models.push(model.id);
    expect(models).toEqual([MODEL]);
  });

  it('surfaces a failed job as data, with its error', async () => {
    const job = await runToEnd(client(), {}, { prefer: 'outcome=failed' });
    expect(job.status).toBe('failed');
    expect(job.error?.code).toBeTruthy();
  });

  it.each([
    [400, OpenAI.BadRequestError, { prompt: '' }],
    [401, OpenAI.AuthenticationError, {}],
    [404, OpenAI.NotFoundError, { model: 'acme/unknown' }],
  ] as const)('raises %i as the SDK error class for it, with the type from the body', async (status, ErrorClass, body) => {
    const c = status === 401 ? new OpenAI({ apiKey: 'not-a-gateway-key', baseURL: server.url }) : client();
    const error = await c.post('/videos/generations', { body: { model: MODEL, prompt: 'p', ...body } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ErrorClass);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(status);
    expect((error as InstanceType<typeof OpenAI.APIError>).type).toBeTruthy();
  });

  it('raises 402 insufficient_credits as an APIError, without retrying it', async () => {
    const key = 'sk-aig-openai-broke';
    await fetch(`${server.origin}/__mock/wallet`, { method: 'PUT', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: '{"balance_cents":0}' });
    const error = await client(key).post('/videos/generations', { body: { model: MODEL, prompt: 'p' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(402);
    expect((error as InstanceType<typeof OpenAI.APIError>).type).toBe('insufficient_credits');
    const creates = (await server.simulation.journal()).filter((e) => e.status === 402);
    expect(creates).toHaveLength(1);
  });

  it('retries a 503 and a 429 by itself, waiting the Retry-After the mock sent, then succeeds', async () => {
    const key = 'sk-aig-openai-retry';
    const arm = (fault: object) =>
      fetch(`${server.origin}/__mock/faults`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify(fault) });
    await arm({ operation: 'createVideo', status: 503, count: 1, retry_after: 1 });
    await arm({ operation: 'createVideo', status: 429, count: 1, retry_after: 1 });
    const job = await client(key).post<Job>('/videos/generations', { body: { model: MODEL, prompt: 'p' } });
    expect(job.status).toBe('queued');
    const fingerprint = await server.simulation.fingerprint(key);
    const tries = (await server.simulation.journal()).filter((e) => e.key === fingerprint && e.operation === 'createVideo');
    const statuses = tries.map((e) => e.status);
    expect(statuses).toEqual([503, 429, 202]);
    const gaps = tries.slice(1).map((e, i) => e.time - (tries[i]?.time ?? 0));
    for (const gap of gaps) expect(gap).toBeGreaterThanOrEqual(950);
  });

  it('gives up on a 503 that never ends after its own retry budget, as an InternalServerError', async () => {
    const key = 'sk-aig-openai-forever';
    await fetch(`${server.origin}/__mock/faults`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body: JSON.stringify({ operation: 'getJob', status: 503, count: 100, retry_after: 1 }) });
    const error = await client(key, 1).get('/jobs/job_x').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect((error as InstanceType<typeof OpenAI.APIError>).status).toBe(503);
  });
});

describe('the official openai SDK against the MSW handlers, in-process at the gateway URL', () => {
  const msw = setupServer(...createHandlers({ timing: 'steps' }));
  beforeAll(() => msw.listen({ onUnhandledRequest: 'error' }));
  afterAll(() => msw.close());

  it('creates a job and polls it to completion without any network', async () => {
    const client = new OpenAI({ apiKey: 'sk-aig-msw', baseURL: 'https://api.aigateway.sh/v1' });
    const job = await runToEnd(client, { resolution: '480p' });
    expect(job).toMatchObject({ status: 'completed', result: { resolution: '854x480' } });
  });

  it('raises the SDK error class for a forced status', async () => {
    const client = new OpenAI({ apiKey: 'sk-aig-msw', baseURL: 'https://api.aigateway.sh/v1', maxRetries: 0 });
    const error = await client.get('/jobs/job_x', { headers: { prefer: 'code=429' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
  });
});
