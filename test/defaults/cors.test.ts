import { afterEach, describe, expect, it } from 'vitest';
import { startMockServer, type RunningMockServer } from '../../mocks/express.js';

const preflight = (server: RunningMockServer, origin: string) =>
  fetch(`http://127.0.0.1:${server.port}/v1/videos/generations`, {
    method: 'OPTIONS',
    headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type' },
  });

const poll = (server: RunningMockServer, origin: string) =>
  fetch(`http://127.0.0.1:${server.port}/v1/jobs/job_missing`, { headers: { origin, authorization: 'Bearer sk-aig-cors' } });

describe('CORS', () => {
  let server: RunningMockServer | null = null;
  afterEach(async () => {
    await server?.close();
    server = null;
  });

  it('lets any browser origin call the mock on loopback', async () => {
    server = await startMockServer({ port: 0 });
    const answer = await preflight(server, 'http://localhost:5173');
    expect(answer.status).toBe(204);
    expect(answer.headers.get('access-control-allow-origin')).toBe('*');
    expect(answer.headers.get('access-control-allow-headers')).toContain('authorization');
    expect((await poll(server, 'http://localhost:5173')).headers.get('access-control-allow-origin')).toBe('*');
  });

  it('sends no CORS headers on another address unless configured', async () => {
    server = await startMockServer({ port: 0, host: '0.0.0.0' });
    const answer = await preflight(server, 'http://evil.example');
    expect(answer.headers.get('access-control-allow-origin')).toBeNull();
    expect((await poll(server, 'http://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
  });

  it('allows exactly the configured origins on another address', async () => {
    server = await startMockServer({ port: 0, host: '0.0.0.0', cors: ['http://app.example'] });
    const allowed = await preflight(server, 'http://app.example');
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://app.example');
    expect(allowed.headers.get('vary')).toContain('Origin');
    expect((await preflight(server, 'http://evil.example')).headers.get('access-control-allow-origin')).toBeNull();
  });

  it('can be turned off on loopback', async () => {
    server = await startMockServer({ port: 0, cors: false });
    expect((await poll(server, 'http://localhost:5173')).headers.get('access-control-allow-origin')).toBeNull();
  });
});
