export { createClient, type AigwClient, type ByteRange, type Download, type DownloadOptions } from './create-client.js';
export {
  defaultBaseURL,
  defaultPoll,
  defaultRetry,
  type ClientOptions,
  type FetchLike,
  type HeadersLike,
  type PollSchedule,
  type RequestOptions,
  type RetryBackoff,
  type Sleep,
} from './client-options.js';
export type { WaitOptions } from './wait-for-completion.js';
export {
  AigwError,
  ApiError,
  AuthenticationError,
  ConnectionError,
  InsufficientCreditsError,
  InvalidRequestError,
  JobCancelledError,
  JobFailedError,
  MalformedResponseError,
  NotFoundError,
  RateLimitError,
  ServerError,
  ServiceUnavailableError,
  WaitTimeoutError,
  apiErrorClasses,
  type ApiErrorInit,
} from './errors.js';
export { parseRetryAfter, type HeaderReader } from './retry-after.js';
export { backoffDelay } from './backoff-delay.js';
export { pollDelay } from './poll-delay.js';
export { clientVersion } from './version.js';
export { resultUrlOf, failureOf, isCancelled } from './job-fields.js';
