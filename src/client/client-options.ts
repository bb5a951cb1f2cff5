import { clientVersion } from './version.js';
import { sleep as realSleep } from './sleep.js';

export interface RetryBackoff {
  baseDelayMs: number;
  maxDelayMs: number;
}

export interface PollSchedule {
  initialMs: number;
  factor: number;
  maxMs: number;
}

/** The part of `fetch` the client uses; `globalThis.fetch` is one. */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** Whatever `new Headers(...)` takes: a plain object, a `Headers`, or `[name, value]` pairs. */
export type HeadersLike = ConstructorParameters<typeof Headers>[0];

/** Options of one call: `create`, `get`, `download` (and `waitForCompletion`, which adds its own). */
export interface RequestOptions {
  /** Aborts the call, retries and waits included; it rejects with the signal's reason. */
  signal?: AbortSignal;
  /**
   * Sent with this call (every attempt of it, every poll of a wait), over the client's headers and
   * defaults of the same name: `{ Prefer: 'code=402' }` asks the mock for that error.
   */
  headers?: HeadersLike;
}

export interface ClientOptions {
  /** Sent as `Authorization: Bearer <apiKey>` to the API (never to `result.url`), and masked in errors. */
  apiKey: string;
  /** Ends in `/v1`: requests go to `${baseURL}/videos/generations` and `${baseURL}/jobs/{id}`. Default the live gateway. */
  baseURL?: string;
  /** Default `globalThis.fetch`, looked up on each request (so MSW's `setupServer` sees it). */
  fetch?: FetchLike;
  /** Attempts per request, the first included, when the error is retryable. Default 5. */
  maxAttempts?: number;
  /** The wait between attempts when the answer has no Retry-After: random up to 500 ms, doubling each retry, capped at 8000 ms. */
  retry?: Partial<RetryBackoff>;
  /** A longer Retry-After is not waited for: the error is thrown instead. Default 60000. */
  maxRetryAfterMs?: number;
  /** How `waitForCompletion` spaces its polls. Default 2000 ms, times 1.5 each poll, at most 30000 ms. */
  poll?: Partial<PollSchedule>;
  /** Sent with every API request (create, get, every poll of a wait), over the defaults; not with `download`. */
  headers?: HeadersLike;
  /** Every wait goes through it (tests pass a virtual clock's). */
  sleep?: Sleep;
  /** In [0, 1), like Math.random: the backoff's jitter. */
  random?: () => number;
  /** Milliseconds since 1970, like Date.now: deadlines and `Retry-After` dates. */
  now?: () => number;
  /** Default `aigw-video-kit/<version>`. */
  userAgent?: string;
  /** Per attempt, from sending the request to the body's last byte. Default 30000. */
  requestTimeoutMs?: number;
  /** The cancel route: `delete` (`DELETE /v1/jobs/{id}`), `post` (`POST /v1/jobs/{id}/cancel`); default: the first that works. */
  cancelRoute?: 'delete' | 'post' | null;
}

export const defaultBaseURL = 'https://api.aigateway.sh/v1';
export const defaultRetry: RetryBackoff = { baseDelayMs: 500, maxDelayMs: 8000 };
/** The gateway SDK's polling schedule. */
export const defaultPoll: PollSchedule = { initialMs: 2000, factor: 1.5, maxMs: 30_000 };

export interface ClientSettings {
  apiKey: string;
  baseURL: string;
  fetch: FetchLike;
  maxAttempts: number;
  retry: RetryBackoff;
  maxRetryAfterMs: number;
  poll: PollSchedule;
  sleep: Sleep;
  random: () => number;
  now: () => number;
  userAgent: string;
  requestTimeoutMs: number;
  headers: Record<string, string>;
  cancelRoute: 'delete' | 'post' | null;
}

export function resolveOptions(options: ClientOptions): ClientSettings {
  if (typeof options.apiKey !== 'string' || options.apiKey.length === 0) {
    throw new TypeError('createClient needs an apiKey');
  }
  if (options.cancelRoute !== undefined && options.cancelRoute !== null && !['delete', 'post'].includes(options.cancelRoute)) {
    throw new RangeError(`cancelRoute must be 'delete' or 'post', not ${JSON.stringify(options.cancelRoute)}`);
  }
  const maxAttempts = options.maxAttempts ?? 5;
  if (!Number.isInteger(maxAttempts) || maxAttempts < 1) {
    throw new RangeError(`maxAttempts must be an integer >= 1, not ${maxAttempts}`);
  }
  return {
    apiKey: options.apiKey,
    baseURL: (options.baseURL ?? defaultBaseURL).replace(/\/+$/, ''),
    // Looked up on each call, so a fetch patched later (msw's setupServer) is still used.
    fetch: options.fetch ?? ((url, init) => globalThis.fetch(url, init)),
    maxAttempts,
    retry: { ...defaultRetry, ...options.retry },
    maxRetryAfterMs: options.maxRetryAfterMs ?? 60_000,
    poll: { ...defaultPoll, ...options.poll },
    sleep: options.sleep ?? realSleep,
    random: options.random ?? Math.random,
    now: options.now ?? Date.now,
    userAgent: options.userAgent ?? `aigw-video-kit/${clientVersion}`,
    requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
    // Checked now: an invalid header name or value is a TypeError from createClient, not from a call.
    headers: Object.fromEntries(new Headers(options.headers)),
    cancelRoute: options.cancelRoute ?? null,
  };
}
