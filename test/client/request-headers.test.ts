import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNodeHttpMockServer } from '../../mocks/node-http.js';
import { createClient, InsufficientCreditsError, InvalidRequestError, JobFailedError } from '../../src/client/index.js';
import { apiKey, caught, harness } from './harness.js';
import { jsonReply } from './scripted-fetch.js';
import { completedJob, processingAt, queuedJob, videoRequest } from './spec-jobs.js';

const mp4 = (): Response => new Response(new Uint8Array([0, 0, 0, 24]), { status: 200, headers: { 'content-type': 'video/mp4' } });

describe("a request's own headers", () => {
  it('go with a create, a get, every poll of a wait and a download', async () => {
    const { client, calls } = harness([jsonReply(202, queuedJob), jsonReply(200, completedJob), jsonReply(200, processingAt(50)), jsonReply(200, completedJob), mp4()]);
    const headers = { Prefer: 'code=200', 'X-Trace': 't-1' };
    await client.create(videoRequest, { headers });
    await client.get('job_1', { headers });
    await client.waitForCompletion('job_1', { headers });
    await client.download(completedJob, { headers });
    expect(calls).toHaveLength(5);
    for (const call of calls) {
      expect(call.headers.get('prefer')).toBe('code=200');
      expect(call.headers.get('x-trace')).toBe('t-1');
    }
  });

  it('go with every attempt of a retried request', async () => {
    const { client, calls } = harness([jsonReply(503, { error: { message: 'busy', type: 'service_unavailable', code: 'service_unavailable', param: null } }, { 'retry-after': '1' }), jsonReply(200, completedJob)]);
    await client.get('job_1', { headers: { 'X-Trace': 't-2' } });
    expect(calls.map((call) => call.headers.get('x-trace'))).toEqual(['t-2', 't-2']);
  });

  it('are taken as a Headers object or as [name, value] pairs too', async () => {
    const { client, calls } = harness([jsonReply(200, completedJob), jsonReply(200, completedJob)]);
    await client.get('job_1', { headers: new Headers({ 'X-Trace': 'from-headers' }) });
    await client.get('job_1', { headers: [['X-Trace', 'from-pairs']] });
    expect(calls.map((call) => call.headers.get('x-trace'))).toEqual(['from-headers', 'from-pairs']);
  });

  it("replace the client's headers of the same name, whatever their case, and leave the others", async () => {
    const { client, calls } = harness([jsonReply(202, queuedJob)], { headers: { 'X-Team': 'video', 'X-Trace': 'client' } });
    await client.create(videoRequest, { headers: { 'user-agent': 'probe/1', 'x-trace': 'request' } });
    const [call] = calls;
    expect(call?.headers.get('user-agent')).toBe('probe/1');
    expect(call?.headers.get('x-trace')).toBe('request');
    expect(call?.headers.get('x-team')).toBe('video');
    expect(call?.headers.get('authorization')).toBe(`Bearer ${apiKey}`);
    expect(call?.headers.get('content-type')).toBe('application/json');
  });

  it('are checked before anything is sent: a header name with a space is a TypeError', async () => {
    const { client, calls } = harness([]);
    expect(await caught(client.get('job_1', { headers: { 'bad name': 'x' } }))).toBeInstanceOf(TypeError);
    expect(calls).toHaveLength(0);
  });
});

describe("the client's headers", () => {
  it('are checked when the client is created: an invalid value is a TypeError', () => {
    expect(() => createClient({ apiKey, headers: { 'X-Trace': 'line\nbreak' } })).toThrow(TypeError);
  });

  it('go with every API request but not with a download, which carries no credentials', async () => {
    const { client, calls } = harness([jsonReply(202, queuedJob), jsonReply(200, completedJob), mp4()], { headers: { 'X-Team': 'video' } });
    await client.create(videoRequest);
    await client.waitForCompletion('job_1');
    await client.download(completedJob);
    expect(calls.map((call) => call.headers.get('x-team'))).toEqual(['video', 'video', null]);
    expect(calls[2]?.headers.has('authorization')).toBe(false);
  });
});

describe('Prefer through request headers, against the mock', () => {
  let mock: Awaited<ReturnType<typeof startNodeHttpMockServer>>;
  beforeAll(async () => {
    mock = await startNodeHttpMockServer({ port: 0, log: null, timing: 'steps' });
  });
  afterAll(async () => {
    await mock.close();
  });

  it('forces a documented error with no wrapped fetch: Prefer: code=402 is an InsufficientCreditsError', async () => {
    const client = createClient({ apiKey: 'sk-aig-headers-402', baseURL: mock.url });
    const error = await caught(client.create(videoRequest, { headers: { Prefer: 'code=402' } }));
    expect(error).toBeInstanceOf(InsufficientCreditsError);
    expect((error as InsufficientCreditsError).status).toBe(402);
  });

  it('replaces the JSON Content-Type of a create when told to, and the mock answers 415', async () => {
    const client = createClient({ apiKey: 'sk-aig-headers-415', baseURL: mock.url });
    const error = await caught(client.create(videoRequest, { headers: { 'Content-Type': 'text/plain' } }));
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect((error as InvalidRequestError).status).toBe(415);
  });

  it('sends the failure outcome with a create, and the wait surfaces the failed job', async () => {
    const client = createClient({ apiKey: 'sk-aig-headers-failed', baseURL: mock.url, poll: { initialMs: 1, maxMs: 1 } });
    const job = await client.create(videoRequest, { headers: { Prefer: 'outcome=failed, failure=upstream_error' } });
    const error = await caught(client.waitForCompletion(job.id, { minPollIntervalMs: 1 }));
    expect(error).toBeInstanceOf(JobFailedError);
    expect((error as JobFailedError).code).toBe('upstream_error');
  });
});
