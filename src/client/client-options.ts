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

export interface ClientOptions {
  apiKey: string;
  /** Ends in `/v1`: requests go to `${baseURL}/videos/generations` and `${baseURL}/jobs/{id}`. */
  baseURL?: string;
  fetch?: FetchLike;
  /** Attempts per request, the first included, when the error is retryable. */
  maxAttempts?: number;
  retry?: Partial<RetryBackoff>;
  /** A longer Retry-After is not waited for: the error is thrown instead. */
  maxRetryAfterMs?: number;
  poll?: Partial<PollSchedule>;
  sleep?: Sleep;
  /** In [0, 1), like Math.random. */
  random?: () => number;
  /** Milliseconds since 1970, like Date.now. */
  now?: () => number;
  userAgent?: string;
  /** Per attempt, from sending the request to the body's last byte. */
  requestTimeoutMs?: number;
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
}

export function resolveOptions(options: ClientOptions): ClientSettings {
  if (typeof options.apiKey !== 'string' || options.apiKey.length === 0) {
    throw new TypeError('createClient needs an apiKey');
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
  };
}
