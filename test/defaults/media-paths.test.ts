import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer, type RunningMockServer } from '../../mocks/express.js';
import { errorBodyProblems } from '../robust/error-shape.js';
import { rawExchange, requestBytes } from '../robust/raw-http.js';

const KEY = 'Bearer sk-aig-media-paths';

describe('media paths', () => {
  let server: RunningMockServer;
  let jobId: string;
  beforeAll(async () => {
    server = await startMockServer({ port: 0, timing: 'steps' });
    const created = await fetch(`${server.url}/videos/generations`, {
      method: 'POST',
      headers: { authorization: KEY, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'openai/sora-2-video-to-video-remix', prompt: 'a lake' }),
    });
    jobId = ((await created.json()) as { id: string }).id;
    for (let i = 0; i < 3; i++) await fetch(`${server.url}/jobs/${jobId}`, { headers: { authorization: KEY } });
  });
  afterAll(() => server.close());

  it('serves the fixture video of a completed job', async () => {
    const response = await fetch(`${server.url}/files/jobs/${jobId}/video.mp4`, { headers: { authorization: KEY } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('video/mp4');
  });

  const escapes = [
    (id: string) => `/v1/files/jobs/${id}/..%2F..%2F..%2Fpackage.json`,
    (id: string) => `/v1/files/jobs/${id}/%2e%2e%2f%2e%2e%2fetc%2fpasswd`,
    (id: string) => `/v1/files/jobs/${id}/..%5c..%5cpackage.json`,
    () => '/v1/files/jobs/..%2F..%2Ffixtures/video.mp4',
    () => '/v1/files/jobs/%2e%2e/%2e%2e%2f%2e%2e%2fpackage.json',
    () => '/v1/files/jobs/....%2F%2F/video.mp4',
    () => '/v1/files/jobs/%00/video.mp4',
    (id: string) => `/v1/files/jobs/${id}/video.mp4%00.json`,
    (id: string) => `/v1/files/jobs/${id}/%2Fetc%2Fpasswd`,
    (id: string) => `/v1/files/jobs/${id}/16x9.mp4`,
  ];

  it.each(escapes.map((make, i) => [i, make] as const))('answers a JSON 404 to traversal attempt #%i, never a file', async (_i, make) => {
    const answer = await rawExchange(server.port, requestBytes('GET', make(jobId), [['authorization', KEY]]));
    expect(answer.status).toBe(404);
    expect(errorBodyProblems(answer, 'downloadJobMedia')).toEqual([]);
  });

  it('answers a JSON 404 to dot segments the client did not normalise', async () => {
    const answer = await rawExchange(server.port, requestBytes('GET', `/v1/files/jobs/${jobId}/../../../package.json`, [['authorization', KEY]]));
    expect(answer.status).toBe(404);
    expect(errorBodyProblems(answer)).toEqual([]);
  });
});
