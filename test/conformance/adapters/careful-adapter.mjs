// A small, careful adapter written with nothing but fetch: what an SDK in any language would do.
// It passes every scenario. The careless adapters beside it run it with exactly one defect each,
// to show that the kit catches that defect, and only in the scenarios whose rule it breaks.
import { createHash } from 'node:crypto';
import { pathToFileURL } from 'node:url';

const MAX_ATTEMPTS = 4;
const MAX_RETRY_AFTER_MS = 30_000;
const POLL_INTERVAL_MS = 1000;
const BACKOFF_MS = 300;

/**
 * @param {{ retries401?: boolean, retries400?: boolean, ignoresRetryAfter?: boolean,
 *           ignoresRetryAfterOnPolls?: boolean, neverGivesUp?: boolean, neverRetries?: boolean,
 *           noBackoff?: boolean, tightPollLoop?: boolean, swallowsFailedJob?: boolean,
 *           recreatesOnPollFailure?: boolean, trustsMalformedPoll?: boolean,
 *           sendsKeyToMediaHost?: boolean, noKeyOnPolls?: boolean, waitsOnlyWhenTold?: boolean }} defects
 */
export async function runCarefulAdapter(defects = {}) {
  const env = process.env;
  const baseURL = env.AIGATEWAY_BASE_URL;
  const apiKey = env.AIGATEWAY_API_KEY;
  const timeoutMs = env.AIGATEWAY_WAIT_TIMEOUT_MS ? Number(env.AIGATEWAY_WAIT_TIMEOUT_MS) : 600_000;
  const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
  const retryable = (status) =>
    status === 429 || status >= 500 || (defects.retries401 === true && status === 401) || (defects.retries400 === true && status === 400);
  const maxAttempts = defects.neverGivesUp === true ? Number.POSITIVE_INFINITY : defects.neverRetries === true ? 1 : MAX_ATTEMPTS;
  // The defect retries at once: blatant on purpose, so a slow machine cannot make it look patient.
  const backoff = (attempt) => (defects.noBackoff === true ? 0 : BACKOFF_MS * 2 ** (attempt - 1));

  class Failure extends Error {
    constructor(error) {
      super(error.message);
      this.outcomeError = error;
    }
  }
  /** Thrown instead of retrying a poll by the recreatesOnPollFailure defect, after the same wait. */
  class StartOver extends Error {}

  async function call(method, path, body, { startOverOnRetry = false } = {}) {
    for (let attempt = 1; ; attempt++) {
      let response;
      let text;
      try {
        response = await fetch(`${baseURL}${path}`, {
          method,
          headers: {
            ...(defects.noKeyOnPolls === true && method === 'GET' ? {} : { authorization: `Bearer ${apiKey}` }),
            accept: 'application/json',
            'user-agent': 'careful-adapter/1.0',
            ...(body === undefined ? {} : { 'content-type': 'application/json' }),
          },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        });
        // A body cut off after the headers is a broken connection too.
        text = await response.text();
      } catch (error) {
        if (attempt >= maxAttempts) throw new Failure({ kind: 'connection', message: `${error.message} (after ${attempt} attempts)` });
        await sleep(backoff(attempt));
        if (startOverOnRetry) throw new StartOver();
        continue;
      }
      let json;
      try {
        json = JSON.parse(text);
      } catch {
        if (response.ok && startOverOnRetry) {
          await sleep(backoff(attempt));
          throw new StartOver();
        }
        if (response.ok) throw new Failure({ kind: 'malformed_response', status: response.status, message: `${method} ${path}: the body is not JSON` });
      }
      if (response.ok) return json;
      const error = {
        kind: 'api_error',
        status: response.status,
        type: json?.error?.type ?? null,
        code: json?.error?.code ?? null,
        message: json?.error?.message ?? `HTTP ${response.status}`,
      };
      if (!retryable(response.status)) throw new Failure(error);
      if (attempt >= maxAttempts) throw new Failure({ ...error, message: `${error.message} (gave up after ${attempt} attempts)` });
      const retryAfter = response.headers.get('retry-after');
      const askedMs = retryAfter !== null && /^\d+$/.test(retryAfter) ? Number(retryAfter) * 1000 : null;
      if (askedMs !== null && defects.ignoresRetryAfter === true) {
        // The defect is blatant on purpose: a slow machine must not make this client look patient.
        await sleep(50);
      } else if (askedMs !== null && defects.ignoresRetryAfterOnPolls === true && method === 'GET') {
        // Keeps the poll floor, as a client whose polls wait 1 s whatever the server asks would.
        await sleep(POLL_INTERVAL_MS);
      } else if (askedMs !== null) {
        if (askedMs > MAX_RETRY_AFTER_MS) throw new Failure({ ...error, message: `${error.message} (the server asks to wait ${askedMs} ms)` });
        await sleep(askedMs);
      } else if ((response.status === 429 || response.status === 503) && defects.waitsOnlyWhenTold === true) {
        // The defect: no Retry-After read as "no need to wait".
      } else {
        await sleep(backoff(attempt));
      }
      if (startOverOnRetry) throw new StartOver();
    }
  }

  const create = async () => (await call('POST', '/videos/generations', JSON.parse(env.AIGATEWAY_VIDEO_REQUEST))).id;

  let job = null;
  try {
    let id = env.AIGATEWAY_JOB_ID || (await create());
    job = { id, status: 'queued' };
    const deadline = Date.now() + timeoutMs;
    const interval = defects.tightPollLoop === true ? 20 : POLL_INTERVAL_MS;
    for (;;) {
      let seen;
      try {
        seen = await call('GET', `/jobs/${encodeURIComponent(id)}`, undefined, { startOverOnRetry: defects.recreatesOnPollFailure === true });
      } catch (error) {
        if (error instanceof StartOver) {
          // The defect: a poll that failed is retried by creating the job again (a second charge).
          id = await create();
          job = { id, status: 'queued' };
          continue;
        }
        // The defect: a poll that could not be read is taken for a finished job.
        if (defects.trustsMalformedPoll === true && error instanceof Failure && error.outcomeError.kind === 'malformed_response') {
          return { ok: true, job: { id, status: 'completed' } };
        }
        throw error;
      }
      job = { id, status: seen.status };
      if (seen.status === 'completed') {
        // result.url is a capability on the media host: no key goes there, except by the defect.
        const media = await fetch(seen.result.url, defects.sendsKeyToMediaHost === true ? { headers: { authorization: `Bearer ${apiKey}` } } : {});
        const bytes = new Uint8Array(await media.arrayBuffer());
        return { ok: true, job, video: { size: bytes.byteLength, sha256: createHash('sha256').update(bytes).digest('hex') } };
      }
      if (seen.status === 'failed') {
        if (defects.swallowsFailedJob === true) return { ok: true, job };
        return { ok: false, job, error: { kind: 'job_failed', code: seen.error.code, message: seen.error.message } };
      }
      if (Date.now() + interval > deadline) {
        return { ok: false, job, error: { kind: 'timeout', message: `job ${id} still ${seen.status} after ${timeoutMs} ms` } };
      }
      await sleep(interval);
    }
  } catch (error) {
    if (error instanceof Failure) return { ok: false, job, error: error.outcomeError };
    return { ok: false, job, error: { kind: 'other', message: String(error) } };
  }
}

export async function main(defects) {
  process.stdout.write(`${JSON.stringify(await runCarefulAdapter(defects))}\n`);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) await main({});
