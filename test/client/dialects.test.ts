import { getResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { createHandlers } from '../../mocks/msw.js';
import { createClient, JobCancelledError, JobFailedError, NotFoundError, resultUrlOf, type AigwClient } from '../../src/client/index.js';
import { namedDialects, parseDialect } from '../../src/contract/dialects.js';
import { caught } from './harness.js';

const ORIGIN = 'https://api.aigateway.sh';
const MODEL = 'openai/sora-2-video-to-video-remix';

/** The client against the MSW handlers in-process: the client's sleeps move the mock's clock. */
function clientOn(dialect: string, options: { timing?: 'steps' | 'realtime'; cancelRoute?: 'delete' | 'post' } = {}) {
  let now = Date.UTC(2026, 3, 23, 12);
  const handlers = createHandlers({ baseUrl: ORIGIN, dialect, timing: options.timing ?? 'realtime', now: () => now });
  const requests: string[] = [];
  const client: AigwClient = createClient({
    apiKey: 'sk-aig-dialects',
    baseURL: `${ORIGIN}/v1`,
    fetch: async (url, init) => {
      const request = new Request(url, init);
      const response = await getResponse(handlers, request);
      if (response === undefined) throw new TypeError(`no handler for ${request.method} ${request.url}`);
      requests.push(`${request.method} ${new URL(request.url).pathname} ${response.status}`);
      return response;
    },
    sleep: async (ms) => {
      now += ms;
    },
    now: () => now,
    random: () => 0.5,
    ...(options.cancelRoute === undefined ? {} : { cancelRoute: options.cancelRoute }),
  });
  return { client, requests };
}

describe.each(Object.values(namedDialects))('the reference client against the mock in the $name dialect', (dialect) => {
  it('creates, waits for and downloads a video', async () => {
    const { client } = clientOn(dialect.name);
    const job = await client.create({ model: MODEL, prompt: 'a lake', duration: 2 });
    const done = await client.waitForCompletion(job.id);
    expect(done.status).toBe('completed');
    const url = resultUrlOf(done);
    expect(url).toBe(`${ORIGIN}/v1/files/jobs/${job.id}/video.mp4`);
    const video = await client.download(done);
    expect(video.contentType).toBe('video/mp4');
    expect(video.bytes.byteLength).toBeGreaterThan(1000);
  });

  it('surfaces a failed job with its code where the gateway gives one', async () => {
    const { client } = clientOn(dialect.name);
    const job = await client.create({ model: MODEL, prompt: 'a lake' });
    // Steer the outcome the way a test would: through the mock's Prefer header on a second create.
    const failing = await createFailing(dialect.name);
    const error = await caught(failing.client.waitForCompletion(failing.id));
    expect(error).toBeInstanceOf(JobFailedError);
    expect((error as JobFailedError).code).toBe(dialect.choices['failed-error'] === 'string' ? null : 'generation_timeout');
    expect((error as JobFailedError).message).toMatch(/did not finish in time/);
    expect(job.status).toBe('queued');
  });

  it(dialect.choices.cancel === 'none' ? 'says a job cannot be cancelled where no cancel route exists' : 'cancels a job by the route the gateway serves, and its wait ends cancelled', async () => {
    const { client, requests } = clientOn(dialect.name);
    const job = await client.create({ model: MODEL, prompt: 'a lake' });
    if (dialect.choices.cancel === 'none') {
      expect(await caught(client.cancel(job.id))).toBeInstanceOf(NotFoundError);
      return;
    }
    const cancelled = await client.cancel(job.id);
    expect(cancelled.status).toBe(dialect.choices.statuses === 'model-page' ? 'failed' : 'cancelled');
    const error = await caught(client.waitForCompletion(job.id));
    if (dialect.choices.statuses === 'model-page' && dialect.choices['failed-error'] === 'string') {
      // 'failed' with the error a bare string: nothing tells the cancel apart but the message.
      expect(error).toBeInstanceOf(JobFailedError);
      expect((error as JobFailedError).message).toMatch(/cancelled/);
    } else expect(error).toBeInstanceOf(JobCancelledError);
    const route = dialect.choices.cancel === 'post' ? `POST /v1/jobs/${job.id}/cancel 200` : `DELETE /v1/jobs/${job.id} 200`;
    expect(requests).toContain(route);
    // The route that worked is kept: a second cancel goes straight to it.
    const before = requests.length;
    await client.cancel(job.id);
    expect(requests.slice(before)).toEqual([route]);
  });
});

async function createFailing(dialect: string) {
  let now = Date.UTC(2026, 3, 23, 12);
  const handlers = createHandlers({ baseUrl: ORIGIN, dialect, now: () => now });
  const fetch = async (url: string, init: RequestInit): Promise<Response> => {
    const request = new Request(url, init);
    if (request.method === 'POST' && new URL(request.url).pathname.endsWith('/generations')) request.headers.set('prefer', 'outcome=failed, failure=generation_timeout');
    return (await getResponse(handlers, request)) as Response;
  };
  const client = createClient({ apiKey: 'sk-aig-dialects', baseURL: `${ORIGIN}/v1`, fetch, sleep: async (ms) => void (now += ms), now: () => now });
  const { id } = await client.create({ model: MODEL, prompt: 'a lake' });
  return { client, id };
}

describe('the client and a gateway that throttles polls (fast-poll 304)', () => {
  it('waits through 304s, taking each as the job last seen, and polls no faster than its schedule', async () => {
    const { client, requests } = clientOn('docs', { timing: 'realtime' });
    const job = await client.create({ model: MODEL, prompt: 'a lake', duration: 10 });
    const done = await client.waitForCompletion(job.id, { minPollIntervalMs: 1000 });
    expect(done.status).toBe('completed');
    expect(requests.filter((r) => r.startsWith('GET /v1/jobs/') && r.endsWith(' 304')).length).toBeGreaterThan(0);
  });

  it('answers get() with the copy it holds when the gateway says 304', async () => {
    const { client } = clientOn('docs', { timing: 'realtime' });
    const job = await client.create({ model: MODEL, prompt: 'a lake' });
    const first = await client.get(job.id);
    const again = await client.get(job.id);
    expect(again).toEqual(first);
  });

  it('treats running as not ended', async () => {
    const { client } = clientOn('docs', { timing: 'steps' });
    const job = await client.create({ model: MODEL, prompt: 'a lake' });
    const seen: string[] = [];
    await client.waitForCompletion(job.id, { onProgress: (j) => seen.push(j.status) });
    expect(seen).toEqual(['running', 'completed']);
  });
});

describe('a pinned cancel route', () => {
  it('uses only that route, and reports the 404 of a gateway that lacks it', async () => {
    const { client, requests } = clientOn(parseDialect('union,cancel=post').name, { cancelRoute: 'delete' });
    const job = await client.create({ model: MODEL, prompt: 'a lake' });
    expect(await caught(client.cancel(job.id))).toBeInstanceOf(NotFoundError);
    expect(requests.filter((r) => r.includes(job.id))).toEqual([`DELETE /v1/jobs/${job.id} 404`]);
  });
});
