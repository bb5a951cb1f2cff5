import type { Violation } from '../contract/index.js';
import type { SchemaErrorType, SchemaFailedJob, SchemaJob, SchemaJobErrorCode } from '../generated/api.js';
import { failureOf } from './job-fields.js';

/** Every error the client throws (an abort rethrows the signal's reason instead). */
export class AigwError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
  }
}

export interface ApiErrorInit {
  status: number;
  type: SchemaErrorType;
  message: string;
  code: string | null;
  param: string | null;
  requestId: string | null;
  retryable: boolean;
  retryAfterMs: number | undefined;
  /** How the response breaks the spec; empty when it conforms. */
  violations: readonly Violation[];
}

/** The API answered one of the spec's error statuses. */
export class ApiError extends AigwError {
  readonly status: number;
  readonly type: SchemaErrorType;
  readonly code: string | null;
  readonly param: string | null;
  readonly requestId: string | null;
  readonly retryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly violations: readonly Violation[];
  /** Requests made before this error was thrown. */
  attempts = 1;

  constructor(init: ApiErrorInit) {
    super(init.message);
    this.status = init.status;
    this.type = init.type;
    this.code = init.code;
    this.param = init.param;
    this.requestId = init.requestId;
    this.retryable = init.retryable;
    this.retryAfterMs = init.retryAfterMs;
    this.violations = init.violations;
  }
}

export class InvalidRequestError extends ApiError {}
export class AuthenticationError extends ApiError {}
export class InsufficientCreditsError extends ApiError {}
export class NotFoundError extends ApiError {}
export class RateLimitError extends ApiError {}
export class ServerError extends ApiError {}
export class ServiceUnavailableError extends ApiError {}

/** The class for each error type the spec names; the Record makes a new type a compile error here. */
export const apiErrorClasses: Readonly<Record<SchemaErrorType, new (init: ApiErrorInit) => ApiError>> = {
  invalid_request_error: InvalidRequestError,
  authentication_error: AuthenticationError,
  insufficient_credits: InsufficientCreditsError,
  not_found: NotFoundError,
  rate_limit_error: RateLimitError,
  server_error: ServerError,
  service_unavailable: ServiceUnavailableError,
};

/** No usable response: fetch threw, the socket closed, the body was cut off, or the attempt timed out. */
export class ConnectionError extends AigwError {
  readonly retryable = true;
  attempts = 1;
}

/** A response the spec does not allow: a body that is not JSON, or one `validateResponse` rejects. */
export class MalformedResponseError extends AigwError {
  readonly status: number;
  readonly requestId: string | null;
  readonly violations: readonly Violation[];
  attempts = 1;

  constructor(init: {
    operationId: string;
    status: number;
    requestId: string | null;
    violations?: readonly Violation[];
    /** A problem no violation describes, such as a body that is not JSON. */
    reason?: string | undefined;
  }) {
    const violations = init.violations ?? [];
    const problems = violations.map((v) => `${v.param} ${v.message}`);
    if (init.reason !== undefined) problems.unshift(init.reason);
    super(`${init.operationId} answered HTTP ${init.status} that breaks the contract: ${problems.join('; ')}`);
    this.status = init.status;
    this.requestId = init.requestId;
    this.violations = violations;
  }
}

/** The job ended `failed`. */
export class JobFailedError extends AigwError {
  readonly job: SchemaFailedJob;
  /** The error's code; null where the gateway sends a failed job's error as a string (the Node SDK's reading). */
  readonly code: SchemaJobErrorCode | null;

  constructor(job: SchemaFailedJob) {
    const { code, message } = failureOf(job);
    super(`Job ${job.id} failed${code === null ? '' : ` (${code})`}: ${message}`);
    this.job = job;
    this.code = code as SchemaJobErrorCode | null;
  }
}

/** The job was cancelled (`cancelled`, or `failed` with error code `cancelled` where the gateway has no such status). */
export class JobCancelledError extends AigwError {
  readonly job: SchemaJob;

  constructor(job: SchemaJob) {
    super(`Job ${job.id} was cancelled`);
    this.job = job;
  }
}

/** The job did not end within the wait's timeout. */
export class WaitTimeoutError extends AigwError {
  readonly jobId: string;
  readonly timeoutMs: number;
  readonly lastJob: SchemaJob | undefined;

  constructor(jobId: string, timeoutMs: number, lastJob: SchemaJob | undefined) {
    const last = lastJob === undefined ? 'never seen' : `last seen ${lastJob.status}, ${lastJob.progress ?? 0}%`;
    super(`Job ${jobId} did not finish within ${timeoutMs} ms (${last})`);
    this.jobId = jobId;
    this.timeoutMs = timeoutMs;
    this.lastJob = lastJob;
  }
}

/** Replaces an error's message, and its copy at the top of the stack. */
export function rewriteMessage(error: Error, message: string): void {
  if (error.stack !== undefined) error.stack = error.stack.replace(error.message, message);
  error.message = message;
}
