import type { SchemaCompletedJob, SchemaJob, SchemaQueuedJob, SchemaVideoGenerationRequest } from '../generated/api.js';
import { resolveOptions, type ClientOptions, type HeadersLike, type RequestOptions } from './client-options.js';
import { AigwError } from './errors.js';
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

export interface AigwClient {
  create(request: SchemaVideoGenerationRequest, options?: RequestOptions): Promise<SchemaQueuedJob>;
  get(id: string, options?: RequestOptions): Promise<SchemaJob>;
  waitForCompletion(id: string, options?: WaitOptions): Promise<SchemaCompletedJob>;
  /** Fetches `result.url` without the API key: the URL is the capability (`security: []`). */
  download(jobOrUrl: SchemaCompletedJob | string, options?: DownloadOptions): Promise<Download>;
}

/** Later layers replace earlier ones' headers of the same name, whatever the case. */
function mergeHeaders(...layers: HeadersLike[]): Record<string, string> {
  const merged = new Headers();
  for (const layer of layers) new Headers(layer).forEach((value, name) => merged.set(name, value));
  return Object.fromEntries(merged);
}

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

  const getJob = async (id: string, { signal, headers }: RequestOptions, pause?: (ms: number) => Promise<void>): Promise<SchemaJob> => {
    const request: PreparedRequest = {
      operationId: 'getJob',
      method: 'GET',
      url: `${baseURL}/jobs/${encodeURIComponent(id)}`,
      headers: apiHeaders(undefined, headers),
      kind: 'json',
    };
    // The body passed validateResponse against the spec's Job schema.
    return (await send(request, signal, pause)).body as SchemaJob;
  };

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
      return (await send(request, signal)).body as SchemaQueuedJob;
    },

    get: (id, options = {}) => getJob(id, options),

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
      const url = typeof jobOrUrl === 'string' ? jobOrUrl : jobOrUrl.result.url;
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
