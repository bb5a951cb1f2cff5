import type { SchemaCompletedJob, SchemaJob, SchemaQueuedJob, SchemaVideoGenerationRequest } from '../generated/api.js';
import { resolveOptions, type ClientOptions, type HeadersLike, type RequestOptions } from './client-options.js';
import { AigwError, MalformedResponseError, NotFoundError } from './errors.js';
import { NOT_MODIFIED } from './interpret-response.js';
import { resultUrlOf } from './job-fields.js';
import { raceAbort } from './race-abort.js';
import { redactSecret } from './redact-secret.js';
import { requestWithRetry } from './request-with-retry.js';
import type { PreparedRequest, ReceivedResponse } from './send-request.js';
import { waitForCompletion, type WaitOptions } from './wait-for-completion.js';

/** Inclusive byte positions, as in `Range: bytes=start-end`. */
export interface ByteRange {
  start: number;
  end: number;
}

export interface DownloadOptions extends RequestOptions {
  range?: ByteRange;
}

export interface Download {
  bytes: Uint8Array;
  contentType: string;
  /** 206 when a range was asked for and served. */
  status: 200 | 206;
}

/**
 * The client takes the job as the gateway sends it. The gateway's sources disagree on some fields
 * (x-dialects in the spec: `running` for `processing`, `result.file_url` or `result_url` for
 * `result.url`, a failed job's error as a string...): the client accepts each, and `resultUrlOf`,
 * `failureOf` and `isCancelled` read them wherever they are.
 */
export interface AigwClient {
  create(request: SchemaVideoGenerationRequest, options?: RequestOptions): Promise<SchemaQueuedJob>;
  /** The job now; on a 304 Not Modified (a gateway that throttles polls), the copy seen last. */
  get(id: string, options?: RequestOptions): Promise<SchemaJob>;
  waitForCompletion(id: string, options?: WaitOptions): Promise<SchemaCompletedJob>;
  /**
   * Cancels a job: `DELETE /v1/jobs/{id}` (the gateway's Node SDK) or `POST /v1/jobs/{id}/cancel`
   * (its docs pages), whichever the gateway serves (`cancelRoute` pins one); the first that works is
   * kept. Answers the job after: cancelled, or as it ended when it had ended already.
   */
  cancel(id: string, options?: RequestOptions): Promise<SchemaJob>;
  /** Fetches the video (`result.url`, `result.file_url` or `result_url`) without the API key: the URL is the capability. */
  download(jobOrUrl: SchemaCompletedJob | string, options?: DownloadOptions): Promise<Download>;
}

/** Later layers replace earlier ones' headers of the same name, whatever the case. */
function mergeHeaders(...layers: HeadersLike[]): Record<string, string> {
  const merged = new Headers();
  for (const layer of layers) new Headers(layer).forEach((value, name) => merged.set(name, value));
  return Object.fromEntries(merged);
}

/** A 304 with no copy of the job at hand is asked again after this long, a few times. */
const NOT_MODIFIED_RETRY_MS = 1000;
/** Copies of jobs kept for 304 answers (the most recently seen). */
const JOB_COPIES = 256;

export function createClient(options: ClientOptions): AigwClient {
  const settings = resolveOptions(options);
  const { apiKey, baseURL, now } = settings;
  const transport = { fetch: settings.fetch, requestTimeoutMs: settings.requestTimeoutMs, now };
  const policy = {
    maxAttempts: settings.maxAttempts,
    retry: settings.retry,
    maxRetryAfterMs: settings.maxRetryAfterMs,
    random: settings.random,
  };
  const sleep = (ms: number, signal: AbortSignal | undefined): Promise<void> =>
    raceAbort(settings.sleep(ms, signal), signal);
  const apiHeaders = (own: HeadersLike, request: HeadersLike): Record<string, string> =>
    mergeHeaders({ Authorization: `Bearer ${apiKey}`, Accept: 'application/json', 'User-Agent': settings.userAgent }, own, settings.headers, request);

  const send = async (
    request: PreparedRequest,
    signal: AbortSignal | undefined,
    pause: (ms: number) => Promise<void> = (ms) => sleep(ms, signal),
  ): Promise<ReceivedResponse> => {
    try {
      return await requestWithRetry(request, transport, policy, pause, signal);
    } catch (error) {
      throw error instanceof AigwError ? redactSecret(error, apiKey) : error;
    }
  };

  // The last copy of each job seen, for a poll the gateway answers 304 Not Modified.
  const copies = new Map<string, SchemaJob>();
  const keep = (job: SchemaJob): SchemaJob => {
    copies.delete(job.id);
    copies.set(job.id, job);
    if (copies.size > JOB_COPIES) copies.delete(copies.keys().next().value as string);
    return job;
  };

  const getJob = async (id: string, { signal, headers }: RequestOptions, pause: (ms: number) => Promise<void> = (ms) => sleep(ms, signal)): Promise<SchemaJob> => {
    const request: PreparedRequest = {
      operationId: 'getJob',
      method: 'GET',
      url: `${baseURL}/jobs/${encodeURIComponent(id)}`,
      headers: apiHeaders(undefined, headers),
      kind: 'json',
    };
    for (let attempt = 1; ; attempt++) {
      const { body } = await send(request, signal, pause);
      // The body passed validateResponse against the spec's Job schema, in the dialect it shows.
      if (body !== NOT_MODIFIED) return keep(body as SchemaJob);
      const copy = copies.get(id);
      if (copy !== undefined) return copy;
      if (attempt >= settings.maxAttempts) {
        throw redactSecret(new MalformedResponseError({ operationId: 'getJob', status: 304, requestId: null, reason: `answered 304 Not Modified ${attempt} times to a client that holds no copy of job ${id}` }), apiKey);
      }
      await pause(NOT_MODIFIED_RETRY_MS);
    }
  };

  let cancelRoute = settings.cancelRoute;
  const cancelRequest = (route: 'delete' | 'post', id: string, headers: HeadersLike): PreparedRequest => ({
    operationId: route === 'delete' ? 'deleteJob' : 'cancelJob',
    method: route === 'delete' ? 'DELETE' : 'POST',
    url: `${baseURL}/jobs/${encodeURIComponent(id)}${route === 'delete' ? '' : '/cancel'}`,
    headers: apiHeaders(undefined, headers),
    kind: 'json',
    idempotent: true,
  });

  return {
    async create(body, { signal, headers } = {}) {
      const request: PreparedRequest = {
        operationId: 'createVideo',
        method: 'POST',
        url: `${baseURL}/videos/generations`,
        headers: apiHeaders({ 'Content-Type': 'application/json' }, headers),
        body: JSON.stringify(body),
        kind: 'json',
      };
      return keep((await send(request, signal)).body as SchemaJob) as SchemaQueuedJob;
    },

    get: (id, options = {}) => getJob(id, options),

    async cancel(id, { signal, headers } = {}) {
      const routes = cancelRoute === null ? (['delete', 'post'] as const) : [cancelRoute];
      for (const [index, route] of routes.entries()) {
        try {
          const job = keep((await send(cancelRequest(route, id, headers), signal)).body as SchemaJob);
          cancelRoute = route;
          return job;
        } catch (error) {
          // A 404 may mean "no such route" as well as "no such job": try the other route before saying so.
          const last = index === routes.length - 1;
          if (last || !(error instanceof NotFoundError)) throw error;
        }
      }
      throw new Error('unreachable: the last cancel route rethrows');
    },

    async waitForCompletion(id, waitOptions = {}) {
      try {
        return await waitForCompletion(id, waitOptions, {
          getJob: (jobId, pause) => getJob(jobId, waitOptions, pause),
          sleep,
          now,
          poll: settings.poll,
        });
      } catch (error) {
        throw error instanceof AigwError ? redactSecret(error, apiKey) : error;
      }
    },

    async download(jobOrUrl, { signal, range, headers: own } = {}) {
      // Neither the key nor the client's headers: result.url is the capability, perhaps on another host.
      const headers: Record<string, string> = { Accept: 'video/mp4, application/json', 'User-Agent': settings.userAgent };
      if (range !== undefined) {
        const { start, end } = range;
        if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
          throw new RangeError(`A byte range needs integers 0 <= start <= end, not ${start}-${end}`);
        }
        headers['Range'] = `bytes=${start}-${end}`;
      }
      const url = typeof jobOrUrl === 'string' ? jobOrUrl : resultUrlOf(jobOrUrl);
      if (url === null) throw new TypeError(`Job ${(jobOrUrl as SchemaJob).id} says nowhere where its video is (no result.url, result.file_url or result_url)`);
      const request: PreparedRequest = { operationId: 'downloadJobMedia', method: 'GET', url, headers: mergeHeaders(headers, own), kind: 'bytes' };
      const response = await send(request, signal);
      return {
        bytes: response.body as Uint8Array,
        contentType: response.headers.get('content-type') ?? '',
        status: response.status as 200 | 206,
      };
    },
  };
}
