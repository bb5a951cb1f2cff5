import type { FetchLike } from './client-options.js';
import { AigwError, ConnectionError } from './errors.js';
import { interpretResponse, type BodyKind, type OperationId } from './interpret-response.js';
import { raceAbort } from './race-abort.js';

export interface PreparedRequest {
  operationId: OperationId;
  method: 'GET' | 'POST' | 'DELETE';
  /** Asking again is harmless (a GET, a cancel): a malformed answer is retried. */
  idempotent?: boolean;
  url: string;
  headers: Record<string, string>;
  body?: string;
  kind: BodyKind;
}

export interface ReceivedResponse {
  status: number;
  headers: Headers;
  /** Parsed JSON, or a Uint8Array for `bytes` requests. */
  body: unknown;
}

export interface Transport {
  fetch: FetchLike;
  requestTimeoutMs: number;
  now: () => number;
}

const describe = (error: unknown): string => {
  if (!(error instanceof Error)) return String(error);
  // undici reports "fetch failed" and puts the reason (ECONNRESET, ...) in `cause`.
  return error.cause instanceof Error ? `${error.message} (${error.cause.message})` : error.message;
};

/** One attempt: send, read the whole body, interpret it. Throws the user's abort reason on abort. */
export async function sendRequest(
  request: PreparedRequest,
  transport: Transport,
  signal: AbortSignal | undefined,
): Promise<ReceivedResponse> {
  signal?.throwIfAborted();
  const timeout = new AbortController();
  const timer = setTimeout(
    () => timeout.abort(new ConnectionError(`${request.operationId}: no complete response within ${transport.requestTimeoutMs} ms`)),
    transport.requestTimeoutMs,
  );
  const attemptSignal = signal === undefined ? timeout.signal : AbortSignal.any([signal, timeout.signal]);
  try {
    const init: RequestInit = { method: request.method, headers: request.headers, signal: attemptSignal };
    if (request.body !== undefined) init.body = request.body;
    const response = await raceAbort(transport.fetch(request.url, init), attemptSignal);
    const bytes = new Uint8Array(await raceAbort(response.arrayBuffer(), attemptSignal));
    const declared = response.headers.get('content-length');
    // With a content-encoding the length is of the encoded bytes, not of what arrayBuffer() gives.
    if (declared !== null && response.headers.get('content-encoding') === null && bytes.byteLength < Number(declared)) {
      throw new ConnectionError(`${request.operationId}: the body was cut off after ${bytes.byteLength} of ${declared} bytes`);
    }
    const body = interpretResponse(request.operationId, request.kind, response.status, response.headers, bytes, transport.now());
    return { status: response.status, headers: response.headers, body };
  } catch (error) {
    if (signal?.aborted) throw signal.reason;
    if (timeout.signal.aborted) throw timeout.signal.reason;
    if (error instanceof AigwError) throw error;
    throw new ConnectionError(`${request.operationId}: the request failed: ${describe(error)}`, { cause: error });
  } finally {
    clearTimeout(timer);
  }
}
