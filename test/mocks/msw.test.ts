import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandlers } from '../../mocks/msw.js';
import { validateResponse } from '../../src/contract/validate-response.js';
import { MODEL } from '../support/sim-call.js';

const handlers = createHandlers({ timing: 'steps' });
const server = setupServer(...handlers);
beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
afterAll(() => server.close());

const BASE = 'https://api.aigateway.sh/v1';
const auth = (key = 'sk-aig-msw') => ({ authorization: `Bearer ${key}` });

describe('the MSW handlers under setupServer', () => {
  it('play a job to completion at the gateway URL and serve its MP4', async () => {
    const created = await fetch(`${BASE}/videos/generations`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, prompt: 'a lake' }),
    });
    expect(created.status).toBe(202);
    const { id } = (await created.json()) as { id: string };
    await fetch(`${BASE}/jobs/${id}`, { headers: auth() });
    const done = await fetch(`${BASE}/jobs/${id}`, { headers: auth() });
    const job = (await done.json()) as any;
    expect(job.status).toBe('completed');
    expect(validateResponse('getJob', 200, done.headers, job)).toEqual([]);
    expect(job.result.url).toBe(`https://api.aigateway.sh/v1/files/jobs/${id}/video.mp4`);
    const media = await fetch(job.result.url);
    expect(media.headers.get('content-type')).toBe('video/mp4');
    expect(new TextDecoder().decode(new Uint8Array(await media.arrayBuffer()).subarray(4, 8))).toBe('ftyp');
  });

  it('answer errors in the spec envelope', async () => {
    const r = await fetch(`${BASE}/jobs/job_x`, { headers: { ...auth(), prefer: 'code=429' } });
    expect(r.status).toBe(429);
    expect(r.headers.get('retry-after')).toBe('2');
    expect(validateResponse('getJob', 429, r.headers, await r.json())).toEqual([]);
  });

  it('turn socket faults into network errors', async () => {
    const key = 'sk-aig-msw-reset';
    await fetch('https://api.aigateway.sh/__mock/faults', {
      method: 'POST',
      headers: { ...auth(key), 'content-type': 'application/json' },
      body: JSON.stringify({ operation: 'getJob', socket: 'reset' }),
    });
    await expect(fetch(`${BASE}/jobs/job_x`, { headers: auth(key) })).rejects.toThrow();
    expect((await fetch(`${BASE}/jobs/job_x`, { headers: auth(key) })).status).toBe(404);
  });

  it('answer for another base URL when configured, and let the test steer the clock in-process', async () => {
    const local = createHandlers({ baseUrl: 'http://localhost:9999/v1', now: () => 1_776_947_082_000 });
    server.use(...local);
    const created = await fetch('http://localhost:9999/v1/videos/generations', {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, prompt: 'a lake' }),
    });
    const { id } = (await created.json()) as { id: string };
    local.simulation.advance(60_000);
    const job = (await (await fetch(`http://localhost:9999/v1/jobs/${id}`, { headers: auth() })).json()) as any;
    expect(job.status).toBe('completed');
    server.resetHandlers();
  });
});
