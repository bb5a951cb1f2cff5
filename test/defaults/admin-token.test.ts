import { afterEach, describe, expect, it } from 'vitest';
import { startMockServer, type RunningMockServer } from '../../mocks/express.js';
import { errorBodyProblems } from '../robust/error-shape.js';

// The server listens on every address, but this test only ever sends to 127.0.0.1.
const get = async (server: RunningMockServer, path: string, headers: Record<string, string> = {}) => {
  const response = await fetch(`http://127.0.0.1:${server.port}${path}`, { headers });
  const body = await response.text();
  return { status: response.status, headers: Object.fromEntries(response.headers), body };
};

describe('the control API on an address other than loopback', () => {
  let server: RunningMockServer | null = null;
  afterEach(async () => {
    await server?.close();
    server = null;
  });

  it('answers /__mock with a JSON 404 when no admin token is set', async () => {
    server = await startMockServer({ port: 0, host: '0.0.0.0' });
    expect(server.adminEnabled).toBe(false);
    const answer = await get(server, '/__mock/health');
    expect(answer.status).toBe(404);
    expect(errorBodyProblems(answer)).toEqual([]);
    const reset = await fetch(`http://127.0.0.1:${server.port}/__mock/reset`, { method: 'POST' });
    expect(reset.status).toBe(404);
  });

  it('asks for the admin token when one is set, and answers with it', async () => {
    server = await startMockServer({ port: 0, host: '0.0.0.0', adminToken: 'admin-token-for-test' });
    expect(server.adminEnabled).toBe(true);
    const without = await get(server, '/__mock/health');
    expect(without.status).toBe(401);
    expect(errorBodyProblems(without)).toEqual([]);
    const wrong = await get(server, '/__mock/health', { 'x-aigw-admin-token': 'not-it' });
    expect(wrong.status).toBe(401);
    const right = await get(server, '/__mock/health', { 'x-aigw-admin-token': 'admin-token-for-test' });
    expect(right.status).toBe(200);
    expect(JSON.parse(right.body)).toMatchObject({ status: 'ok' });
  });

  it('keeps the control API open on loopback without a token', async () => {
    server = await startMockServer({ port: 0 });
    expect((await get(server, '/__mock/health')).status).toBe(200);
  });

  it('still serves the video API on that address', async () => {
    server = await startMockServer({ port: 0, host: '0.0.0.0' });
    const response = await fetch(`http://127.0.0.1:${server.port}/v1/videos/generations`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-aig-public-host', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'openai/sora-2-video-to-video-remix', prompt: 'a lake' }),
    });
    expect(response.status).toBe(202);
  });
});
