import { inspect } from 'node:util';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  ApiError,
  AuthenticationError,
  ConnectionError,
  InsufficientCreditsError,
  InvalidRequestError,
  MalformedResponseError,
  NotFoundError,
  RateLimitError,
  ServerError,
  ServiceUnavailableError,
} from '../../src/client/index.js';
import { errorCatalog } from '../../src/contract/error-catalog.js';
import { apiKey, caught, harness } from './harness.js';
import { errorReply, jsonReply } from './scripted-fetch.js';
import { completedJob, queuedJob, videoRequest } from './spec-jobs.js';

const expectedClass: Record<number, typeof ApiError> = {
  400: InvalidRequestError,
  401: AuthenticationError,
  402: InsufficientCreditsError,
  404: NotFoundError,
  413: InvalidRequestError,
  415: InvalidRequestError,
  416: InvalidRequestError,
  429: RateLimitError,
  500: ServerError,
  503: ServiceUnavailableError,
};

describe('error statuses', () => {
  it.each([...errorCatalog.values()])(
    'answers $status with its class, retried only when the catalog marks it retryable',
    async (entry) => {
      const { client, calls } = harness([], { maxAttempts: 3, then: () => errorReply(entry.status) });
      const request =
        entry.status === 416 ? client.download(completedJob, { range: { start: 1, end: 2 } }) : client.create(videoRequest);
      const error = await caught(request);
      expect(error).toBeInstanceOf(expectedClass[entry.status]);
      expect(error).toMatchObject({
        status: entry.status,
        type: entry.type,
        code: entry.code,
        requestId: 'req_test',
        retryable: entry.retryable,
        violations: [],
      });
      expect(calls).toHaveLength(entry.retryable ? 3 : 1);
    },
  );

  it.each([400, 401, 402, 404])('never retries a %i', async (status) => {
    const { client, calls } = harness([errorReply(status), jsonReply(202, queuedJob)]);
    await expect(client.create(videoRequest)).rejects.toMatchObject({ status, attempts: 1 });
    expect(calls).toHaveLength(1);
  });

  it("carries the envelope's message, code and param", async () => {
    const { client } = harness([
      errorReply(400, { message: 'prompt: is required', code: 'missing_required_field', param: 'prompt' }),
    ]);
    const error = await caught(client.create(videoRequest));
    expect(error).toMatchObject({ message: 'prompt: is required', code: 'missing_required_field', param: 'prompt' });
  });

  it('keeps the class the status decides when the body is not the error envelope', async () => {
    const { client } = harness([], {
      maxAttempts: 2,
      then: () => new Response('<h1>busy</h1>', { status: 503, headers: { 'content-type': 'text/html' } }),
    });
    const error = await caught(client.create(videoRequest));
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect((error as ApiError).violations.length).toBeGreaterThan(0);
    expect((error as ApiError).message).toMatch(/HTTP 503 service_unavailable, without the spec's error envelope/);
  });
});

describe('Retry-After', () => {
  it('waits at least Retry-After before retrying a 429', async () => {
    const { client, clock } = harness([errorReply(429, {}, { 'retry-after': '7' }), jsonReply(202, queuedJob)]);
    await expect(client.create(videoRequest)).resolves.toEqual(queuedJob);
    expect(clock.sleeps).toEqual([7000]);
  });

  it('reads Retry-After given as an HTTP-date against the injected clock', async () => {
    const at = (now: number): string => new Date(now + 12_000).toUTCString();
    const { client, clock } = harness([
      (call) => errorReply(503, {}, { 'retry-after': at(call.at) }),
      jsonReply(202, queuedJob),
    ]);
    await client.create(videoRequest);
    expect(clock.sleeps).toEqual([12_000]);
  });

  it('honours retry-after-ms before Retry-After', async () => {
    const { client, clock } = harness([
      errorReply(429, {}, { 'retry-after': '1', 'retry-after-ms': '2500' }),
      jsonReply(202, queuedJob),
    ]);
    await client.create(videoRequest);
    expect(clock.sleeps).toEqual([2500]);
  });

  it('throws a 429 at once when its Retry-After is longer than maxRetryAfterMs', async () => {
    const { client, calls, clock } = harness([errorReply(429, {}, { 'retry-after': '120' })]);
    const error = await caught(client.create(videoRequest));
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ retryAfterMs: 120_000, attempts: 1 });
    expect((error as Error).message).toMatch(/asked to wait 120000 ms, more than maxRetryAfterMs 60000/);
    expect(calls).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });

  it('waits for a long Retry-After when maxRetryAfterMs allows it', async () => {
    const { client, clock } = harness([errorReply(429, {}, { 'retry-after': '120' }), jsonReply(202, queuedJob)], {
      maxRetryAfterMs: 120_000,
    });
    await client.create(videoRequest);
    expect(clock.sleeps).toEqual([120_000]);
  });
});

describe('backoff and giving up', () => {
  it('backs off with growing, bounded waits when no Retry-After is sent', async () => {
    const { client, clock } = harness([], { maxAttempts: 7, random: () => 0.9999, then: () => errorReply(500) });
    await expect(client.create(videoRequest)).rejects.toThrow(ServerError);
    expect(clock.sleeps).toEqual([499, 999, 1999, 3999, 7999, 7999]);
  });

  it('gives up after maxAttempts with the last error, its attempts and a clear message', async () => {
    const { client, calls } = harness([], { then: () => errorReply(500) });
    const error = await caught(client.create(videoRequest));
    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({ attempts: 5 });
    expect((error as Error).message).toBe('The upstream video provider failed. Retry the request. (gave up after 5 attempts)');
    expect((error as Error).stack).toContain('(gave up after 5 attempts)');
    expect(calls).toHaveLength(5);
  });

  it('succeeds when a retry does', async () => {
    const { client, calls } = harness([errorReply(500), errorReply(503), jsonReply(202, queuedJob)]);
    await expect(client.create(videoRequest)).resolves.toEqual(queuedJob);
    expect(calls).toHaveLength(3);
  });
});

describe('connection errors', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('retries when fetch throws, and throws ConnectionError when it keeps throwing', async () => {
    const reset = (): never => {
      throw new TypeError('fetch failed', { cause: new Error('read ECONNRESET') });
    };
    const { client, calls } = harness([], { maxAttempts: 3, then: reset });
    const error = await caught(client.get('job_1'));
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error).toMatchObject({ attempts: 3, retryable: true });
    expect((error as Error).message).toMatch(/fetch failed \(read ECONNRESET\).*gave up after 3 attempts/);
    expect(calls).toHaveLength(3);
  });

  it('treats a body cut off before its Content-Length as a connection error and retries', async () => {
    const cut = new Response('{"id":', {
      status: 202,
      headers: { 'content-type': 'application/json', 'content-length': '400', 'x-request-id': 'r' },
    });
    const { client, calls } = harness([cut, jsonReply(202, queuedJob)]);
    await expect(client.create(videoRequest)).resolves.toEqual(queuedJob);
    expect(calls).toHaveLength(2);
  });

  it('treats a body stream that breaks as a connection error', async () => {
    const broken = (): Response =>
      new Response(
        new ReadableStream({
          pull(controller) {
            controller.error(new Error('socket hang up'));
          },
        }),
        { status: 200, headers: { 'content-type': 'application/json', 'x-request-id': 'r' } },
      );
    const { client } = harness([], { maxAttempts: 2, then: broken });
    await expect(client.get('job_1')).rejects.toThrow(/socket hang up.*gave up after 2 attempts/);
  });

  it('times out an attempt that gets no answer within requestTimeoutMs, then retries it', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const hang = (_call: unknown, init: RequestInit): Promise<Response> =>
      new Promise((_, reject) => init.signal?.addEventListener('abort', () => reject(init.signal?.reason)));
    const { client, calls } = harness([hang], { requestTimeoutMs: 1000, then: jsonReply(200, completedJob) });
    const job = client.get('job_1');
    await vi.advanceTimersByTimeAsync(1000);
    await expect(job).resolves.toEqual(completedJob);
    expect(calls).toHaveLength(2);
  });

  it('reports the timeout as a ConnectionError once attempts run out', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    const never = (): Promise<Response> => new Promise(() => {});
    const { client } = harness([], { maxAttempts: 2, requestTimeoutMs: 1000, then: never });
    const error = caught(client.get('job_1'));
    await vi.advanceTimersByTimeAsync(2000);
    expect(await error).toBeInstanceOf(ConnectionError);
    expect(((await error) as Error).message).toMatch(/no complete response within 1000 ms/);
  });
});

describe('malformed responses', () => {
  it('reports a create answered with a body that is not JSON, and does not retry it', async () => {
    const html = new Response('<html>Bad Gateway</html>', {
      status: 202,
      headers: { 'content-type': 'application/json', 'x-request-id': 'r' },
    });
    const { client, calls } = harness([html, jsonReply(202, queuedJob)]);
    const error = await caught(client.create(videoRequest));
    expect(error).toBeInstanceOf(MalformedResponseError);
    expect((error as Error).message).toMatch(/the body is not JSON: "<html>Bad Gateway<\/html>"/);
    expect(calls).toHaveLength(1);
  });

  it('names the missing fields of a 200 job, and retries the GET until attempts run out', async () => {
    // (A job without `created` is no defect by itself: some of the gateway's sources show none.)
    const { id: _id, model: _model, ...partial } = completedJob;
    const { client, calls } = harness([], { maxAttempts: 3, then: () => jsonReply(200, partial) });
    const error = await caught(client.get('job_abc123'));
    expect(error).toBeInstanceOf(MalformedResponseError);
    expect(error).toMatchObject({ status: 200, attempts: 3 });
    expect((error as Error).message).toMatch(/getJob answered HTTP 200 that breaks the contract: .*id is required/);
    expect((error as Error).message).toMatch(/model is required/);
    expect(calls).toHaveLength(3);
  });

  it('recovers when a malformed poll is followed by a valid one', async () => {
    const { client } = harness([jsonReply(200, { ...completedJob, status: 'done' }), jsonReply(200, completedJob)]);
    await expect(client.get('job_abc123')).resolves.toEqual(completedJob);
  });

  it('treats a status the spec does not document as malformed', async () => {
    const { client, calls } = harness([jsonReply(502, { error: 'bad gateway' })]);
    const error = await caught(client.create(videoRequest));
    expect(error).toBeInstanceOf(MalformedResponseError);
    expect((error as Error).message).toMatch(/status 502 is not documented for createVideo/);
    expect(calls).toHaveLength(1);
  });
});

describe('the API key', () => {
  it('never appears in an error, wherever the server or the network echoes it', async () => {
    const echoes = [
      () => harness([errorReply(401, { message: `Key ${apiKey} is revoked.` })]).client.create(videoRequest),
      () =>
        harness([new Response(`no such key ${apiKey}`, { status: 200, headers: { 'content-type': 'application/json' } })], {
          maxAttempts: 1,
        }).client.get('job_1'),
      () =>
        harness([], {
          maxAttempts: 1,
          then: () => {
            throw new Error(`proxy refused Authorization: Bearer ${apiKey}`);
          },
        }).client.get('job_1'),
    ];
    for (const request of echoes) {
      const error = await caught(request());
      expect(error).toBeInstanceOf(Error);
      expect(inspect(error, { depth: 5 })).not.toContain(apiKey);
      expect((error as Error).message).toContain('[redacted]');
    }
  });
});
