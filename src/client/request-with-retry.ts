import type { RetryBackoff } from './client-options.js';
import { backoffDelay } from './backoff-delay.js';
import { ApiError, ConnectionError, MalformedResponseError, rewriteMessage } from './errors.js';
import { sendRequest, type PreparedRequest, type ReceivedResponse, type Transport } from './send-request.js';

export interface RetryPolicy {
  maxAttempts: number;
  retry: RetryBackoff;
  maxRetryAfterMs: number;
  random: () => number;
}

type RequestError = ApiError | ConnectionError | MalformedResponseError;

const isRequestError = (error: unknown): error is RequestError =>
  error instanceof ApiError || error instanceof ConnectionError || error instanceof MalformedResponseError;

function isRetryable(error: RequestError, request: PreparedRequest): boolean {
  if (error instanceof MalformedResponseError) {
    // Asking again is harmless for a GET or a cancel; a create that got an odd answer may still have created a job.
    return request.method === 'GET' || request.idempotent === true;
  }
  return error.retryable;
}

const attemptsText = (n: number): string => `${n} attempt${n === 1 ? '' : 's'}`;

/**
 * Sends `request` until it succeeds, a non-retryable error comes, or `maxAttempts` are spent; waits
 * with `pause` between attempts: the response's Retry-After when it has one, else the backoff.
 */
export async function requestWithRetry(
  request: PreparedRequest,
  transport: Transport,
  policy: RetryPolicy,
  pause: (ms: number) => Promise<void>,
  signal: AbortSignal | undefined,
): Promise<ReceivedResponse> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await sendRequest(request, transport, signal);
    } catch (error) {
      if (!isRequestError(error)) throw error;
      error.attempts = attempt;
      if (!isRetryable(error, request)) throw error;
      if (attempt >= policy.maxAttempts) {
        rewriteMessage(error, `${error.message} (gave up after ${attemptsText(attempt)})`);
        throw error;
      }
      const retryAfterMs = error instanceof ApiError ? error.retryAfterMs : undefined;
      if (retryAfterMs !== undefined && retryAfterMs > policy.maxRetryAfterMs) {
        rewriteMessage(
          error,
          `${error.message} (gave up after ${attemptsText(attempt)}: the server asked to wait ${retryAfterMs} ms, more than maxRetryAfterMs ${policy.maxRetryAfterMs})`,
        );
        throw error;
      }
      await pause(retryAfterMs ?? backoffDelay(attempt, policy.random, policy.retry));
    }
  }
}
