import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPrism, type RunningPrism } from '../../src/prism/start-prism.js';
import { validateResponse } from '../../src/contract/validate-response.js';

let prism: RunningPrism;
beforeAll(async () => {
  prism = await startPrism({ mode: 'mock' });
});
afterAll(async () => {
  await prism?.stop();
});

const auth = { authorization: 'Bearer sk-aig-test' };

async function call(method: string, path: string, init: { headers?: Record<string, string>; body?: unknown } = {}) {
  const response = await fetch(`${prism.origin}${path}`, {
    method,
    headers: { ...auth, ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}), ...init.headers },
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  const text = await response.text();
  const isJson = (response.headers.get('content-type') ?? '').includes('json');
  return { status: response.status, headers: response.headers, body: isJson ? (JSON.parse(text) as unknown) : text };
}

describe('Prism serving openapi/aigateway-video.yaml', () => {
  it('answers createVideo with a queued job that our validator accepts', async () => {
    const r = await call('POST', '/v1/videos/generations', {
      body: { model: 'openai/sora-2-video-to-video-remix', prompt: 'a lake' },
    });
    expect([200, 202]).toContain(r.status);
    expect(validateResponse('createVideo', r.status, r.headers, r.body)).toEqual([]);
  });

  it('answers getJob with a job that our validator accepts', async () => {
    const r = await call('GET', '/v1/jobs/job_abc123');
    expect(r.status).toBe(200);
    expect(validateResponse('getJob', r.status, r.headers, r.body)).toEqual([]);
  });

  it('answers downloadJobMedia as video/mp4 with the documented headers', async () => {
    const r = await call('GET', '/v1/files/jobs/job_abc123/video.mp4', { headers: {} });
    expect(r.status).toBe(200);
    expect(validateResponse('downloadJobMedia', r.status, r.headers, r.body)).toEqual([]);
  });

  it('answers listModels with a list our validator accepts', async () => {
    const r = await call('GET', '/v1/models?modality=video');
    expect(r.status).toBe(200);
    expect(validateResponse('listModels', r.status, r.headers, r.body)).toEqual([]);
  });

  it('answers Prefer: code=429 with a valid body and its Retry-After', async () => {
    const r = await call('GET', '/v1/jobs/job_abc123', { headers: { prefer: 'code=429' } });
    expect(r.status).toBe(429);
    expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(validateResponse('getJob', r.status, r.headers, r.body)).toEqual([]);
  });

  it('rejects a create without a prompt, as the spec says', async () => {
    const r = await call('POST', '/v1/videos/generations', { body: { model: 'openai/sora-2-video-to-video-remix' } });
    expect(r.status).toBe(400);
    expect(validateResponse('createVideo', r.status, r.headers, r.body)).toEqual([]);
  });
});
