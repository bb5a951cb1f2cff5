import { errorEntry, errorEnvelope, type ErrorDetails } from '../../src/contract/error-catalog.js';
import type { FetchLike } from '../../src/client/index.js';

export interface RecordedCall {
  url: string;
  method: string;
  headers: Headers;
  body: string | undefined;
  /** The virtual time the request was sent. */
  at: number;
}

export type Reply = Response | ((call: RecordedCall, init: RequestInit) => Response | Promise<Response>);

/**
 * A fetch that answers from a script, one reply per request, then from `then` once the script runs
 * out, and records every request it gets.
 */
export function scriptedFetch(script: Reply[], options: { now?: () => number; then?: Reply } = {}) {
  const calls: RecordedCall[] = [];
  const fetch: FetchLike = async (url, init) => {
    const call: RecordedCall = {
      url,
      method: init.method ?? 'GET',
      headers: new Headers(init.headers),
      body: typeof init.body === 'string' ? init.body : undefined,
      at: options.now?.() ?? 0,
    };
    calls.push(call);
    const reply = script.shift() ?? options.then;
    if (reply === undefined) throw new Error(`unscripted request #${calls.length}: ${call.method} ${url}`);
    return typeof reply === 'function' ? reply(call, init) : reply;
  };
  return { fetch, calls };
}

export function jsonReply(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', 'x-request-id': 'req_test', ...headers },
  });
}

// Values for the headers the spec requires on some error responses.
const requiredHeaderValues: Record<string, string> = {
  'x-request-id': 'req_test',
  'retry-after': '1',
  'content-range': 'bytes */8192',
};

/** The spec's error response for a status: its envelope and the headers it requires. */
export function errorReply(status: number, details: ErrorDetails = {}, headers: Record<string, string> = {}): Response {
  const required = Object.fromEntries(
    errorEntry(status).requiredHeaders.map((name) => [name, requiredHeaderValues[name] ?? 'x']),
  );
  return jsonReply(status, errorEnvelope(status, details), { ...required, ...headers });
}

export function bytesReply(bytes: Uint8Array<ArrayBuffer>, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(bytes, {
    status,
    headers: {
      'content-type': 'video/mp4',
      'content-length': String(bytes.byteLength),
      'accept-ranges': 'bytes',
      'x-request-id': 'req_media',
      ...headers,
    },
  });
}
