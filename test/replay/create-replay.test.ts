import { setupServer } from 'msw/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHandlers } from '../../mocks/msw.js';
import { namedDialects } from '../../src/contract/dialects.js';
import { HarError } from '../../src/har/validate-har.js';
import { createReplay } from '../../src/replay/create-replay.js';
import type { SimRequest, SimResponse } from '../../src/sim/exchange.js';
import { syntheticHar } from '../support/synthetic-har.js';
import { MODEL } from '../support/sim-call.js';

const ORIGIN = 'http://127.0.0.1:9999';
const request = (method: string, url: string, body?: unknown, headers: Record<string, string> = {}): SimRequest => ({
  method,
  url,
  headers: { authorization: 'Bearer sk-aig-any', ...headers },
  body: body === undefined ? null : new TextEncoder().encode(JSON.stringify(body)),
  origin: ORIGIN,
});
const json = (response: SimResponse): any => (response.body.kind === 'bytes' ? JSON.parse(new TextDecoder().decode(response.body.data)) : response.body.kind === 'json' ? response.body.value : undefined);

describe('createReplay', () => {
  const har = syntheticHar(namedDialects['model-page']);

  it('plays the polls of a job in recorded order, then repeats the last answer', () => {
    const replay = createReplay(har);
    const created = replay.handle(request('POST', '/v1/videos/generations', { model: MODEL, prompt: 'a lake', duration: 2 }));
    expect(created.status).toBe(202);
    expect(json(created).id).toBe('job_a');
    const statuses = Array.from({ length: 7 }, () => json(replay.handle(request('GET', '/v1/jobs/job_a'))).status);
    expect(statuses).toEqual(['queued', 'processing', 'processing', 'completed', 'completed', 'completed', 'completed']);
  });

  it('hands each new create the next recorded job, preferring the create whose body matches', () => {
    const replay = createReplay(har);
    expect(replay.jobs).toEqual(['job_a', 'job_f', 'job_c']);
    expect(json(replay.handle(request('POST', '/v1/videos/generations', { model: MODEL, prompt: 'a storm', duration: 1 }))).id).toBe('job_f');
    expect(json(replay.handle(request('POST', '/v1/videos/generations', { prompt: 'something new', model: MODEL }))).id).toBe('job_a');
    expect(json(replay.handle(request('POST', '/v1/videos/generations', {}))).id).toBe('job_c');
    const exhausted = replay.handle(request('POST', '/v1/videos/generations', {}));
    expect(exhausted.status).toBe(404);
    expect(json(exhausted).error).toMatchObject({ type: 'not_found', code: 'no_recorded_match' });
    expect(json(exhausted).error.message).toContain('all 3 recorded creates have been answered');
    replay.reset();
    expect(json(replay.handle(request('POST', '/v1/videos/generations', { model: MODEL, prompt: 'a lake', duration: 2 }))).id).toBe('job_a');
  });

  it('answers an id the recording never knew with what the recording answered such ids', () => {
    const replay = createReplay(har);
    // The synthetic recording polled job_x (unknown to it) and got 429; any unknown id meets that answer.
    const answer = replay.handle(request('GET', '/v1/jobs/job_never_seen'));
    expect(answer.status).toBe(429);
    expect(answer.headers['retry-after']).toBe('2');
  });

  it('answers a request with no recorded counterpart 404 in the API envelope, naming the closest recorded request', () => {
    const replay = createReplay(har);
    const answer = replay.handle(request('GET', '/v1/models?modality=video'));
    expect(answer.status).toBe(404);
    expect(answer.headers['x-aigw-replay']).toBe('unmatched');
    const models = har.log.entries.findIndex((e) => e.request.url.endsWith('/v1/models'));
    expect(json(answer).error.message).toBe(`Replay: nothing recorded answers GET /v1/models?modality=video. Closest recorded request: GET /v1/models (entry ${models}, answered 401).`);
  });

  it('points the recorded URLs at the server that replays them, and takes recorded latency when asked', () => {
    const replay = createReplay(har, { latency: 'recorded' });
    replay.handle(request('POST', '/v1/videos/generations', { model: MODEL, prompt: 'a lake', duration: 2 }));
    let last: SimResponse | null = null;
    for (let i = 0; i < 4; i++) last = replay.handle(request('GET', '/v1/jobs/job_a'));
    expect(json(last as SimResponse).result.url).toBe(`${ORIGIN}/v1/files/jobs/job_a/video.mp4`);
    expect(last?.latencyMs).toBe(20);
    expect(createReplay(har).handle(request('GET', '/v1/jobs/job_a')).latencyMs).toBe(0);
  });

  it('rewinds on POST /__mock/reset and answers no other control call', () => {
    const replay = createReplay(har);
    replay.handle(request('GET', '/v1/jobs/job_a'));
    expect(replay.handle(request('POST', '/__mock/reset')).status).toBe(200);
    expect(json(replay.handle(request('GET', '/v1/jobs/job_a'))).status).toBe('queued');
    expect(replay.handle(request('GET', '/__mock/health')).status).toBe(404);
  });

  it.each([
    [(h: any) => delete h.log.entries[3].response.content, 'log.entries[3].response.content is required'],
    [(h: any) => (h.log.entries[1].time = -5), 'log.entries[1].time must be >= 0'],
    [(h: any) => (h.log.entries[0].request.url = '/relative'), 'log.entries[0].request.url "/relative" is not an absolute http(s) URL'],
    [(h: any) => (h.log.entries[2].extra = 1), 'log.entries[2].extra is not a HAR 1.2 field'],
    [(h: any) => (h.log.entries[0].response.content.encoding = 'gzip'), "log.entries[0].response.content.encoding 'gzip' is not supported"],
  ])('refuses a bad HAR with the path of the offending field (%#)', (spoil, message) => {
    const bad = JSON.parse(JSON.stringify(har));
    spoil(bad);
    expect(() => createReplay(bad)).toThrow(HarError);
    expect(() => createReplay(bad)).toThrow(message);
  });
});

describe('createHandlers({ replay }) under MSW', () => {
  const replay = createReplay(syntheticHar(namedDialects.docs));
  const server = setupServer(...createHandlers({ baseUrl: 'https://api.aigateway.sh', replay }));
  beforeAll(() => server.listen({ onUnhandledRequest: 'error' }));
  afterAll(() => server.close());

  it('serves the recorded answers in-process, the recorded URLs pointed at the handlers\' origin', async () => {
    const headers = { authorization: 'Bearer sk-aig-any', 'content-type': 'application/json' };
    const created = await fetch('https://api.aigateway.sh/v1/videos/generations', { method: 'POST', headers, body: JSON.stringify({ model: MODEL, prompt: 'a lake', duration: 2 }) });
    expect(created.status).toBe(202);
    const id = ((await created.json()) as { id: string }).id;
    const fast = await fetch(`https://api.aigateway.sh/v1/jobs/${id}`, { headers });
    expect(fast.status).toBe(304);
    const statuses: string[] = [];
    for (let i = 0; i < 3; i++) statuses.push(((await (await fetch(`https://api.aigateway.sh/v1/jobs/${id}`, { headers })).json()) as { status: string }).status);
    expect(statuses).toEqual(['queued', 'running', 'running']);
    const done = (await (await fetch(`https://api.aigateway.sh/v1/jobs/${id}`, { headers })).json()) as { result: { file_url: string } };
    expect(done.result.file_url).toBe(`https://api.aigateway.sh/v1/files/jobs/${id}/video.mp4`);
  });
});
