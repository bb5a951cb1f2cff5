import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer, type RunningMockServer } from '../../mocks/express.js';
import { validateResponse } from '../../src/contract/validate-response.js';
import { MODEL } from '../support/sim-call.js';

const KEY = 'sk-aig-express-test';
let server: RunningMockServer;
beforeAll(async () => {
  server = await startMockServer({ port: 0, timing: 'steps' });
});
afterAll(() => server.close());

const auth = (key = KEY) => ({ authorization: `Bearer ${key}` });
const createJob = (key = KEY, extra: Record<string, string> = {}) =>
  fetch(`${server.url}/videos/generations`, {
    method: 'POST',
    headers: { ...auth(key), 'content-type': 'application/json', ...extra },
    body: JSON.stringify({ model: MODEL, prompt: 'a lake', aspect_ratio: '9:16', resolution: '720p', duration: 4 }),
  });
const armFault = (key: string, fault: Record<string, unknown>) =>
  fetch(`${server.origin}/__mock/faults`, { method: 'POST', headers: { ...auth(key), 'content-type': 'application/json' }, body: JSON.stringify(fault) });

describe('the Express mock over real HTTP', () => {
  it('plays a job to completion and serves a playable MP4 at result.url', async () => {
    const created = await createJob();
    expect(created.status).toBe(202);
    const job = (await created.json()) as { id: string; status: string };
    expect(job.status).toBe('queued');
    const seen: string[] = [];
    let last: any;
    for (let i = 0; i < 3; i++) {
      const r = await fetch(`${server.url}/jobs/${job.id}`, { headers: auth() });
      last = await r.json();
      expect(validateResponse('getJob', r.status, r.headers, last)).toEqual([]);
      seen.push(last.status);
    }
    expect(seen).toEqual(['processing', 'completed', 'completed']);
    expect(last.result).toMatchObject({ duration: 4, resolution: '720x1280' });
    expect(last.result.url.startsWith(server.origin)).toBe(true);
    const media = await fetch(last.result.url);
    const bytes = new Uint8Array(await media.arrayBuffer());
    expect(media.headers.get('content-type')).toBe('video/mp4');
    expect(Number(media.headers.get('content-length'))).toBe(bytes.byteLength);
    expect(new TextDecoder().decode(bytes.subarray(4, 8))).toBe('ftyp');
    const part = await fetch(last.result.url, { headers: { range: 'bytes=0-7' } });
    expect(part.status).toBe(206);
    expect((await part.arrayBuffer()).byteLength).toBe(8);
  });

  it('answers unknown paths outside /v1 in the JSON envelope, never an HTML page', async () => {
    const r = await fetch(`${server.origin}/favicon.ico`);
    expect(r.status).toBe(404);
    expect(r.headers.get('content-type')).toContain('application/json');
    expect(((await r.json()) as any).error.type).toBe('not_found');
  });

  it('answers 413 in the envelope for a body over 1 MB', async () => {
    const r = await fetch(`${server.url}/videos/generations`, {
      method: 'POST',
      headers: { ...auth(), 'content-type': 'application/json' },
      body: JSON.stringify({ model: MODEL, prompt: 'x'.repeat(1_100_000) }),
    });
    expect(r.status).toBe(413);
    const body = await r.json();
    expect(validateResponse('createVideo', 413, r.headers, body)).toEqual([]);
  });

  it.each(['reset', 'empty', 'malformed_chunk', 'truncated'])('breaks the connection on request (%s), and answers normally afterwards', async (socket) => {
    const key = `sk-aig-socket-${socket}`;
    expect((await armFault(key, { operation: 'getJob', socket })).status).toBe(201);
    await expect(fetch(`${server.url}/jobs/job_x`, { headers: auth(key) }).then((r) => r.text())).rejects.toThrow();
    expect((await fetch(`${server.url}/jobs/job_x`, { headers: auth(key) })).status).toBe(404);
  });

  it('answers a body that is not JSON when asked for malformed_json', async () => {
    const key = 'sk-aig-malformed';
    await armFault(key, { operation: 'getJob', socket: 'malformed_json' });
    const r = await fetch(`${server.url}/jobs/job_x`, { headers: auth(key) });
    expect(r.status).toBe(200);
    await expect(r.json()).rejects.toThrow();
  });

  it('records each request in the journal with the key redacted', async () => {
    const key = 'sk-aig-journal-secret-123';
    await createJob(key);
    await fetch(`${server.url}/jobs/job_nope`, { headers: auth(key) });
    const r = await fetch(`${server.origin}/__mock/journal`, { headers: auth(key) });
    const text = await r.text();
    expect(text).not.toContain('journal-secret');
    const { entries } = JSON.parse(text) as { entries: any[] };
    expect(entries.map((e) => [e.method, e.path, e.status, e.operation])).toEqual([
      ['POST', '/v1/videos/generations', 202, 'createVideo'],
      ['GET', '/v1/jobs/job_nope', 404, 'getJob'],
    ]);
    expect(entries[0].key).toMatch(/^key_[0-9a-f]{32}$/);
    expect(entries[0].job_id).toMatch(/^job_/);
    expect(entries[0].headers.authorization).toBeUndefined();
    expect(entries[0].duration_ms).toBeGreaterThan(0);
  });

  it('answers CORS preflights from browser apps on loopback', async () => {
    const r = await fetch(`${server.url}/videos/generations`, {
      method: 'OPTIONS',
      headers: { origin: 'http://localhost:5173', 'access-control-request-method': 'POST' },
    });
    expect(r.status).toBe(204);
    expect(r.headers.get('access-control-allow-origin')).toBe('*');
    expect(r.headers.get('access-control-allow-headers')).toContain('authorization');
  });

  it('waits the configured latency before answering', async () => {
    const slow = await startMockServer({ port: 0, latency: { getJob: { kind: 'fixed', ms: 60 } } });
    try {
      await fetch(`${slow.url}/jobs/job_x`, { headers: auth() });
      const [entry] = await slow.simulation.journal();
      expect(entry?.duration_ms).toBeGreaterThanOrEqual(55);
    } finally {
      await slow.close();
    }
  });
});
