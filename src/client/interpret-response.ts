import { dialectOfAnswer, errorCatalog, validateResponse, type Violation } from '../contract/index.js';
import { apiErrorClasses, MalformedResponseError } from './errors.js';
import { parseRetryAfter } from './retry-after.js';

export type OperationId = 'createVideo' | 'getJob' | 'deleteJob' | 'cancelJob' | 'downloadJobMedia';

/** What a 304 Not Modified poll answers (a gateway that throttles polls of one job, as the docs pages say). */
export const NOT_MODIFIED: unique symbol = Symbol('not modified');

/** `json` bodies are parsed and checked against the spec; `bytes` bodies (the video) are returned as read. */
export type BodyKind = 'json' | 'bytes';

type Parsed = { json: true; value: unknown } | { json: false; text: string };

function parseJson(bytes: Uint8Array): Parsed {
  const text = new TextDecoder().decode(bytes);
  try {
    return { json: true, value: JSON.parse(text) as unknown };
  } catch {
    return { json: false, text };
  }
}

const field = (value: unknown, name: string): unknown =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;

const stringOrNull = (value: unknown): string | null => (typeof value === 'string' ? value : null);

const lowerHeaders = (headers: Headers): Record<string, string> => {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    out[name.toLowerCase()] = value;
  });
  return out;
};

/**
 * The body of a response the spec allows for `operationId`, or throws: an `ApiError` subclass for an
 * error status the catalog knows (the status decides the class, the body fills in the details), and a
 * `MalformedResponseError` for anything else the spec does not allow.
 */
export function interpretResponse(
  operationId: OperationId,
  kind: BodyKind,
  status: number,
  headers: Headers,
  bytes: Uint8Array,
  nowMs: number,
): unknown {
  const requestId = headers.get('x-request-id');
  const success = status >= 200 && status < 300;
  if (success && kind === 'bytes') {
    const violations = bodyViolations(validateResponse(operationId, status, headers, undefined));
    if (violations.length > 0) throw new MalformedResponseError({ operationId, status, requestId, violations });
    return bytes;
  }
  if (status === 304 && operationId === 'getJob') return NOT_MODIFIED;
  const parsed = parseJson(bytes);
  const body = parsed.json ? parsed.value : undefined;
  // The gateway's sources disagree on shapes (x-dialects): an answer is judged in the dialect it shows
  // (`running`, `result.file_url`, an error string...), so the client works whichever the gateway speaks.
  const dialect = dialectOfAnswer({ operationId, status, body, headers: lowerHeaders(headers) });
  const violations: Violation[] = bodyViolations(validateResponse(operationId, status, headers, body, dialect));
  // The class and the type are the spec's for the status, whatever name the dialect gives the type.
  const entry = errorCatalog.get(status);
  if (success || entry === undefined) {
    const reason = parsed.json ? undefined : `the body is not JSON: ${JSON.stringify(parsed.text.slice(0, 80))}`;
    if (violations.length > 0 || reason !== undefined) {
      throw new MalformedResponseError({ operationId, status, requestId, violations, reason });
    }
    return body;
  }
  const error = field(body, 'error');
  const message = field(error, 'message');
  throw new apiErrorClasses[entry.type]({
    status,
    type: entry.type,
    message:
      typeof message === 'string' && message.length > 0
        ? message
        : `HTTP ${status} ${entry.type}, without the spec's error envelope`,
    code: stringOrNull(field(error, 'code')),
    param: stringOrNull(field(error, 'param')),
    requestId,
    retryable: entry.retryable,
    retryAfterMs: parseRetryAfter(headers, nowMs),
    violations,
  });
}

/**
 * A client judges what it uses: the status, the media type and the body. Headers the spec requires
 * for bookkeeping (x-request-id, Content-Length) are the contract suite's business, not a reason to
 * reject a good job from a gateway that leaves them out.
 */
const bodyViolations = (violations: Violation[]): Violation[] => violations.filter((v) => v.in !== 'header');
