import { redact, redactAuthorization } from './redact.js';
import type { Target } from './target.js';

/** A request as reports show it: the key redacted. */
export interface RecordedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: unknown;
}

export interface RecordedResponse {
  status: number;
  headers: Record<string, string>;
  /** Parsed JSON, the text of other textual bodies, or `<N bytes>` for binary ones. */
  body: unknown;
}

/** One request and what came back (or the network error). */
export interface Exchange {
  operationId: string | null;
  request: RecordedRequest;
  response: RecordedResponse | null;
  error: string | null;
}

export interface SendOptions {
  method: string;
  /** A path of the spec (`/v1/jobs/job_1`), an admin path (`/__mock/clock`) or an absolute URL. */
  path: string;
  /** The API key to send as `Bearer`; null sends no Authorization. */
  key?: string | null;
  /** Sent as is (a malformed Authorization, a Prefer, a Range). */
  headers?: Record<string, string>;
  /** JSON-encoded with `Content-Type: application/json`. */
  json?: unknown;
  /** Sent as is, with the content type given in `headers`. */
  rawBody?: string;
  operationId?: string | null;
  /** A 429 is what the check asks for: do not wait and retry it on a live target. */
  expectRateLimit?: boolean;
  /** Follow redirects (a media URL may redirect to a CDN); API calls are judged as answered. */
  followRedirects?: boolean;
}

const MAX_RATE_LIMIT_RETRIES = 2;

export function resolveUrl(target: Target, path: string): string {
  if (/^https?:\/\//i.test(path)) return path;
  if (path.startsWith('/__mock')) return `${target.controlOrigin}${path}`;
  return `${target.baseUrl}${path.replace(/^\/v1(?=\/|$)/, '')}`;
}

function headersOf(headers: Headers): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    out[name.toLowerCase()] = value;
  });
  return out;
}

async function readBody(response: Response): Promise<unknown> {
  const contentType = (response.headers.get('content-type') ?? '').toLowerCase();
  const bytes = new Uint8Array(await response.arrayBuffer());
  if (bytes.byteLength === 0) return undefined;
  const textual = contentType === '' || /json|text|html|xml/.test(contentType);
  if (!textual) return `<${bytes.byteLength} bytes>`;
  const text = new TextDecoder().decode(bytes);
  if (contentType.includes('json')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text.slice(0, 2000);
    }
  }
  return text.slice(0, 2000);
}

/** Sends one request to the target and records the exchange. Never throws: network errors are recorded. */
export async function send(target: Target, options: SendOptions): Promise<Exchange> {
  const url = resolveUrl(target, options.path);
  const headers: Record<string, string> = { accept: 'application/json', ...options.headers };
  if (options.key !== undefined && options.key !== null) headers['authorization'] = `Bearer ${options.key}`;
  let body: string | undefined;
  if (options.json !== undefined) {
    body = JSON.stringify(options.json);
    headers['content-type'] ??= 'application/json';
  } else if (options.rawBody !== undefined) body = options.rawBody;
  const shownHeaders: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    shownHeaders[name] = name.toLowerCase() === 'authorization' ? redactAuthorization(value) : redact(value, [target.apiKey]);
  }
  const request: RecordedRequest = {
    method: options.method,
    url: redact(url, [target.apiKey]),
    headers: shownHeaders,
    ...(options.json !== undefined ? { body: options.json } : options.rawBody !== undefined ? { body: options.rawBody } : {}),
  };
  let exchange: Exchange = { operationId: options.operationId ?? null, request, response: null, error: null };
  for (let attempt = 0; ; attempt++) {
    try {
      const response = await target.fetch(url, {
        method: options.method,
        headers,
        ...(body !== undefined ? { body } : {}),
        redirect: options.followRedirects === true ? 'follow' : 'manual',
      });
      if (response.type === 'error') throw new TypeError('network error');
      const recorded: RecordedResponse = { status: response.status, headers: headersOf(response.headers), body: await readBody(response) };
      exchange = { ...exchange, response: recorded, error: null };
    } catch (error) {
      exchange = { ...exchange, response: null, error: redact(String((error as Error).message ?? error), [target.apiKey]) };
    }
    // The live gateway limits requests per minute: an unasked-for 429 is waited out, not counted.
    const retryAfter = Number(exchange.response?.headers['retry-after']);
    const waitOut =
      !target.isMock &&
      options.expectRateLimit !== true &&
      exchange.response?.status === 429 &&
      Number.isFinite(retryAfter) &&
      retryAfter <= 60 &&
      attempt < MAX_RATE_LIMIT_RETRIES;
    if (!waitOut) break;
    await target.sleep(Math.max(1, retryAfter) * 1000);
  }
  target.observe?.(exchange);
  return exchange;
}

/** The exchange as a report shows it: method, URL, headers and bodies, the key redacted. */
export function formatExchange(exchange: Exchange, secrets: readonly string[] = []): string {
  const { request, response } = exchange;
  const lines = [`> ${request.method} ${request.url}`];
  for (const [name, value] of Object.entries(request.headers)) lines.push(`> ${name}: ${value}`);
  if (request.body !== undefined) lines.push(`> ${typeof request.body === 'string' ? request.body : JSON.stringify(request.body)}`);
  if (response === null) lines.push(`< (no response: ${exchange.error ?? 'unknown error'})`);
  else {
    lines.push(`< ${response.status}`);
    for (const [name, value] of Object.entries(response.headers)) lines.push(`< ${name}: ${value}`);
    if (response.body !== undefined) lines.push(`< ${typeof response.body === 'string' ? response.body : JSON.stringify(response.body)}`);
  }
  return redact(lines.join('\n'), secrets);
}
