import type { Entry, Har } from 'har-format';
import type { Dialect } from '../../src/contract/dialects.js';
import { MODEL } from './sim-call.js';

/** Which parts of the gateway a synthetic recording shows (all by default). */
export interface SyntheticShows {
  cancel?: boolean;
  errors?: boolean;
  failedJob?: boolean;
  cancelledJob?: boolean;
}

const ORIGIN = 'https://gateway.example';
const T0 = Date.parse('2026-02-01T10:00:00.000Z');

/**
 * A recording of a gateway that speaks `dialect`, written by hand from the dialect's choices (the
 * x-dialects descriptions), not by the mock: what calibrate must read back. Polls come every
 * second (every 4 s where the dialect answers fast polls 304, plus one 304 to show it); a job is
 * queued for two poll gaps and processes for two more.
 */
export function syntheticHar(dialect: Dialect, shows: SyntheticShows = {}): Har {
  const c = dialect.choices;
  const entries: Entry[] = [];
  const add = (atMs: number, method: string, path: string, status: number, body: unknown, requestBody?: unknown, requestHeaders: Record<string, string> = {}): void => {
    const text = body === undefined ? undefined : JSON.stringify(body);
    entries.push({
      startedDateTime: new Date(T0 + atMs).toISOString(),
      time: 20,
      request: {
        method,
        url: `${ORIGIN}${path}`,
        httpVersion: 'HTTP/1.1',
        cookies: [],
        headers: [{ name: 'authorization', value: 'Bearer [redacted] key_000000000001' }, ...Object.entries(requestHeaders).map(([name, value]) => ({ name, value }))],
        queryString: [],
        headersSize: -1,
        bodySize: requestBody === undefined ? 0 : JSON.stringify(requestBody).length,
        ...(requestBody === undefined ? {} : { postData: { mimeType: 'application/json', text: JSON.stringify(requestBody) } }),
      },
      response: {
        status,
        statusText: '',
        httpVersion: 'HTTP/1.1',
        cookies: [],
        headers: [
          { name: 'x-request-id', value: `req_${entries.length}` },
          { name: 'x-ratelimit-limit-requests', value: '600' },
          ...(text === undefined ? [] : [{ name: 'content-type', value: 'application/json' }]),
          ...(status === 429 ? [{ name: 'retry-after', value: '2' }] : []),
        ],
        content: { size: text?.length ?? 0, mimeType: text === undefined ? '' : 'application/json', ...(text === undefined ? {} : { text }) },
        redirectURL: '',
        headersSize: -1,
        bodySize: text?.length ?? 0,
      },
      cache: {},
      timings: { send: 0, wait: 20, receive: 0 },
    });
  };
  const seconds = (ms: number): number => Math.floor((T0 + ms) / 1000);
  const job = (id: string, status: string, createdMs: number, nowMs: number, extra: Record<string, unknown> = {}): Record<string, unknown> => {
    const times =
      c['time-fields'] === 'both'
        ? { created: seconds(createdMs), created_at: seconds(createdMs), updated_at: seconds(nowMs) }
        : c['time-fields'] === 'created'
          ? { created: seconds(createdMs) }
          : c['time-fields'] === 'created_at'
            ? { created_at: seconds(createdMs), updated_at: seconds(nowMs) }
            : {};
    return { id, object: 'job', status, model: MODEL, ...times, ...extra };
  };
  const running = c.statuses === 'docs' ? 'running' : 'processing';
  const result = (id: string): Record<string, unknown> => {
    const url = `${ORIGIN}/v1/files/jobs/${id}/video.mp4`;
    const details = { duration: 2, resolution: '1920x1080' };
    switch (c['result-location']) {
      case 'result.url':
        return { result: { url, ...details } };
      case 'result_url':
        return { result_url: url };
      case 'result.file_url':
        return { result: { file_url: url, ...details } };
      default:
        return { result: { url, ...details }, result_url: url };
    }
  };
  const pollGap = c['fast-poll'] === '304' ? 4000 : 1000;
  const createStatus = Number(c['create-status']);

  // A completed job of 2 s: queued for two poll gaps, processing for two more (2 s and 4 s at one poll a second).
  let t = 0;
  add(t, 'POST', '/v1/videos/generations', createStatus, job('job_a', 'queued', 0, 0), { model: MODEL, prompt: 'a lake', duration: 2 });
  if (c['fast-poll'] === '304') add(500, 'GET', '/v1/jobs/job_a', 304, undefined);
  for (t = pollGap; t <= 5 * pollGap; t += pollGap) {
    const status = t < 2 * pollGap ? 'queued' : t < 4 * pollGap ? running : 'completed';
    add(t, 'GET', '/v1/jobs/job_a', 200, job('job_a', status, 0, t, status === 'completed' ? result('job_a') : {}));
  }
  if (shows.failedJob !== false) {
    const base = 20_000;
    add(base, 'POST', '/v1/videos/generations', createStatus, job('job_f', 'queued', base, base), { model: MODEL, prompt: 'a storm', duration: 1 });
    const error = c['failed-error'] === 'string' ? 'The provider failed.' : { code: 'upstream_error', message: 'The provider failed.' };
    add(base + 8000, 'GET', '/v1/jobs/job_f', 200, job('job_f', 'failed', base, base + 8000, { error }));
  }
  if (shows.cancelledJob !== false) {
    const base = 40_000;
    add(base, 'POST', '/v1/videos/generations', createStatus, job('job_c', 'queued', base, base), { model: MODEL, prompt: 'a boat', duration: 1 });
    const cancelled =
      c.statuses === 'model-page'
        ? job('job_c', 'failed', base, base + 500, { error: c['failed-error'] === 'string' ? 'cancelled' : { code: 'cancelled', message: 'The job was cancelled.' } })
        : job('job_c', 'cancelled', base, base + 500);
    const route = c.cancel === 'post' || c.cancel === 'both' ? (['POST', '/v1/jobs/job_c/cancel'] as const) : c.cancel === 'delete' ? (['DELETE', '/v1/jobs/job_c'] as const) : null;
    if (route !== null) add(base + 500, route[0], route[1], 200, cancelled);
    if (route !== null) add(base + 5000, 'GET', '/v1/jobs/job_c', 200, cancelled);
  }
  if (shows.cancel !== false) {
    const notAnEndpoint = (method: string, path: string): Record<string, unknown> => ({ error: { message: `${method} ${path} is not an endpoint of this API.`, type: 'not_found', code: 'unknown_endpoint', param: null } });
    const jobNotFound = { error: { message: 'No job job_gone.', type: 'not_found', code: 'job_not_found', param: null } };
    const deleteServed = c.cancel === 'delete' || c.cancel === 'both';
    const postServed = c.cancel === 'post' || c.cancel === 'both';
    add(60_000, 'DELETE', '/v1/jobs/job_gone', 404, deleteServed ? jobNotFound : notAnEndpoint('DELETE', '/v1/jobs/job_gone'));
    add(61_000, 'POST', '/v1/jobs/job_gone/cancel', 404, postServed ? jobNotFound : notAnEndpoint('POST', '/v1/jobs/job_gone/cancel'));
  }
  if (shows.errors !== false) {
    const docs = c['error-types'] === 'docs';
    add(70_000, 'GET', '/v1/jobs/job_x', 429, { error: { message: 'Slow down.', type: docs ? 'rate_limited' : 'rate_limit_error', code: 'rate_limited', param: null } });
    add(71_000, 'GET', '/v1/models', 401, { error: { message: 'Bad key.', type: docs ? 'invalid_key' : 'authentication_error', code: 'invalid_api_key', param: null } });
  }
  return { log: { version: '1.2', creator: { name: 'synthetic', version: '1' }, entries } };
}
