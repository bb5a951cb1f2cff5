import { afterEach, describe, expect, it } from 'vitest';
import { startMockServer, type RunningMockServer } from '../../mocks/express.js';
import { errorBodyProblems } from '../robust/error-shape.js';
import { rawExchange, requestBytes } from '../robust/raw-http.js';

const AUTH = ['authorization', 'Bearer sk-aig-limits'] as const;
const JSON_TYPE = ['content-type', 'application/json'] as const;
const MiB = 1024 * 1024;

describe('request limits', () => {
  let server: RunningMockServer | null = null;
  afterEach(async () => {
    await server?.close();
    server = null;
  });

  it('answers 413 in the spec envelope to a body over 1 MiB, by its Content-Length, before reading it', async () => {
    server = await startMockServer({ port: 0 });
    const answer = await rawExchange(server.port, requestBytes('POST', '/v1/videos/generations', [AUTH, JSON_TYPE], '', { contentLength: MiB + 1 }));
    expect(answer.status).toBe(413);
    expect(errorBodyProblems(answer, 'createVideo')).toEqual([]);
  });

  it('answers 413 to a chunked body that grows past 1 MiB', async () => {
    server = await startMockServer({ port: 0 });
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const chunks = Array.from({ length: 17 }, () => Buffer.concat([Buffer.from(`${chunk.byteLength.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]));
    const head = requestBytes('POST', '/v1/videos/generations', [AUTH, JSON_TYPE, ['transfer-encoding', 'chunked']], '', { contentLength: null });
    const answer = await rawExchange(server.port, Buffer.concat([head, ...chunks, Buffer.from('0\r\n\r\n')]));
    expect(answer.status).toBe(413);
    expect(errorBodyProblems(answer, 'createVideo')).toEqual([]);
  });

  it('accepts a body just under the limit (and judges what it says)', async () => {
    server = await startMockServer({ port: 0 });
    const body = JSON.stringify({ model: 'openai/sora-2-video-to-video-remix', prompt: 'a lake', padding: 'x'.repeat(MiB - 200) });
    const answer = await rawExchange(server.port, requestBytes('POST', '/v1/videos/generations', [AUTH, JSON_TYPE], body));
    expect(answer.status).toBe(202);
  });

  it('answers 408 in the API envelope when a body stalls past the request timeout, and keeps serving', async () => {
    server = await startMockServer({ port: 0, requestTimeoutMs: 300 });
    const stalled = await rawExchange(server.port, requestBytes('POST', '/v1/videos/generations', [AUTH, JSON_TYPE], '{"model":', { contentLength: 200 }), { timeoutMs: 15_000 });
    expect(stalled.ended).not.toBe('timeout');
    expect(stalled.status).toBe(408);
    expect(errorBodyProblems(stalled)).toEqual([]);
    const health = await fetch(`http://127.0.0.1:${server.port}/__mock/health`);
    expect(health.status).toBe(200);
  });

  it('answers 408 when the headers themselves never finish', async () => {
    server = await startMockServer({ port: 0, requestTimeoutMs: 300 });
    const stalled = await rawExchange(server.port, 'GET /v1/jobs/job_1 HTTP/1.1\r\nhost: 127.0.0.1\r\nx-slow: ', { timeoutMs: 15_000 });
    expect(stalled.ended).not.toBe('timeout');
    expect(stalled.status).toBe(408);
  });
});
