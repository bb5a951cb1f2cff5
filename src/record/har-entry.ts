import { STATUS_CODES } from 'node:http';
import type { Cookie, Header, PostData, QueryString } from 'har-format';
import { classifyRequest } from '../har/classify-request.js';
import type { AigwEntryNotes, RecordedEntry } from '../har/har-types.js';
import { REDACTED, type Redactor } from './redactor.js';

/** One exchange as the recorder saw it, before redaction. */
export interface CapturedExchange {
  /** When the request left (unix ms). */
  startedMs: number;
  /** Request sent until response headers arrived; headers until the body ended. */
  waitMs: number;
  receiveMs: number;
  request: { method: string; url: string; headers: ReadonlyArray<[string, string]>; body: Uint8Array | null };
  response: {
    status: number;
    statusText: string;
    headers: ReadonlyArray<[string, string]>;
    /** The (decoded) body bytes kept: all of a textual body, the first bytes of media. */
    body: Uint8Array;
    /** Bytes of (decoded) body the target sent. */
    totalBytes: number;
  };
  /** The target's base path (`/api` when it is served under one), stripped before matching the spec's paths. */
  basePath: string;
  proxyError?: AigwEntryNotes['proxyError'];
}

const TEXTUAL = /json|^text\/|xml|html|javascript|x-www-form-urlencoded|problem/i;
export const isTextual = (contentType: string | undefined): boolean => contentType === undefined || contentType === '' || TEXTUAL.test(contentType);

const headerValue = (headers: ReadonlyArray<[string, string]>, name: string): string | undefined =>
  headers.find(([n]) => n.toLowerCase() === name)?.[1];

const decoder = new TextDecoder();

/** A textual body as it may be written: JSON with its secrets replaced (kept byte for byte when none were), other text scrubbed. */
function redactText(text: string, contentType: string | undefined, redactor: Redactor): string {
  if (contentType !== undefined && /json/i.test(contentType)) {
    try {
      const parsed = JSON.parse(text) as unknown;
      const redacted = redactor.json(parsed);
      return JSON.stringify(redacted) === JSON.stringify(parsed) ? redactor.text(text) : JSON.stringify(redacted);
    } catch {
      // not JSON after all: treat as text
    }
  }
  return redactor.text(text);
}

function cookiesOf(headers: ReadonlyArray<[string, string]>, name: 'cookie' | 'set-cookie'): Cookie[] {
  const out: Cookie[] = [];
  for (const [n, value] of headers) {
    if (n.toLowerCase() !== name) continue;
    const pairs = name === 'cookie' ? value.split(';') : [value.split(';')[0] ?? ''];
    for (const pair of pairs) {
      const cookieName = pair.split('=')[0]?.trim() ?? '';
      if (cookieName !== '') out.push({ name: cookieName, value: REDACTED });
    }
  }
  return out;
}

function jobIdOf(kind: { operationId: string | null; jobId: string | null }, status: number, body: string | null): string | null {
  if (kind.jobId !== null) return kind.jobId;
  if (kind.operationId !== 'createVideo' || status < 200 || status >= 300 || body === null) return null;
  try {
    const parsed = JSON.parse(body) as { id?: unknown };
    return typeof parsed.id === 'string' ? parsed.id : null;
  } catch {
    return null;
  }
}

/**
 * A HAR 1.2 entry from a captured exchange, with every secret redacted before it exists as an
 * entry: credentials in headers, signed-URL tokens in URLs, webhook URLs and secret fields in
 * bodies, and any key the redactor has learned, wherever it appears. Media past `maxMediaBytes` is
 * cut, and the entry says so.
 */
export function harEntry(captured: CapturedExchange, redactor: Redactor, maxMediaBytes: number): RecordedEntry {
  const { request, response } = captured;
  // Headers first: they teach the redactor the keys, which must then vanish from everything else.
  const requestHeaders: Header[] = request.headers.map(([name, value]) => ({ name, value: redactor.header(name, value) }));
  const responseHeaders: Header[] = response.headers.map(([name, value]) => ({ name, value: redactor.header(name, value) }));
  const url = redactor.url(request.url);
  const parsedUrl = new URL(url);
  const queryString: QueryString[] = [...new URLSearchParams(parsedUrl.search)].map(([name, value]) => ({ name, value }));

  const requestType = headerValue(request.headers, 'content-type');
  let postData: PostData | undefined;
  if (request.body !== null && request.body.byteLength > 0) {
    postData = isTextual(requestType)
      ? { mimeType: requestType ?? '', text: redactText(decoder.decode(request.body), requestType, redactor) }
      : { mimeType: requestType ?? '', text: '', comment: `binary body of ${request.body.byteLength} bytes, not kept` };
  }

  const responseType = headerValue(response.headers, 'content-type');
  const textual = isTextual(responseType);
  const notes: AigwEntryNotes = { operationId: null, jobId: null };
  const content: RecordedEntry['response']['content'] = { size: response.totalBytes, mimeType: responseType ?? '' };
  let bodyText: string | null = null;
  if (textual) {
    if (response.body.byteLength > 0) bodyText = redactText(decoder.decode(response.body), responseType, redactor);
    if (bodyText !== null) content.text = bodyText;
  } else if (response.totalBytes > 0) {
    const kept = response.body.subarray(0, Math.min(response.body.byteLength, maxMediaBytes));
    content.text = Buffer.from(kept).toString('base64');
    content.encoding = 'base64';
    if (kept.byteLength < response.totalBytes) {
      content.comment = `truncated: the first ${kept.byteLength} of ${response.totalBytes} bytes are kept (media size limit ${maxMediaBytes} bytes)`;
      notes.truncated = { keptBytes: kept.byteLength, totalBytes: response.totalBytes };
    }
  }

  const path = parsedUrl.pathname.startsWith(captured.basePath) ? parsedUrl.pathname.slice(captured.basePath.length) || '/' : parsedUrl.pathname;
  const kind = classifyRequest(request.method, path);
  notes.operationId = kind.operationId;
  notes.jobId = jobIdOf(kind, response.status, bodyText);
  if (captured.proxyError !== undefined) notes.proxyError = captured.proxyError;

  const encoded = headerValue(response.headers, 'content-encoding');
  const location = responseHeaders.find((h) => h.name.toLowerCase() === 'location')?.value ?? '';
  const wait = Math.max(0, Math.round(captured.waitMs * 1000) / 1000);
  const receive = Math.max(0, Math.round(captured.receiveMs * 1000) / 1000);
  const entry: RecordedEntry = {
    startedDateTime: new Date(captured.startedMs).toISOString(),
    time: wait + receive,
    request: {
      method: request.method,
      url,
      httpVersion: 'HTTP/1.1',
      cookies: cookiesOf(request.headers, 'cookie'),
      headers: requestHeaders,
      queryString,
      headersSize: -1,
      bodySize: request.body?.byteLength ?? 0,
      ...(postData !== undefined ? { postData } : {}),
    },
    response: {
      status: response.status,
      statusText: response.statusText || (STATUS_CODES[response.status] ?? ''),
      httpVersion: 'HTTP/1.1',
      cookies: cookiesOf(response.headers, 'set-cookie'),
      headers: responseHeaders,
      content,
      redirectURL: location,
      headersSize: -1,
      // The size on the wire is unknown when the body came compressed (fetch decodes it).
      bodySize: encoded !== undefined && encoded !== 'identity' ? -1 : response.totalBytes,
    },
    cache: {},
    timings: { blocked: -1, dns: -1, connect: -1, send: 0, wait, receive },
    _aigw: notes,
  };
  if (captured.proxyError !== undefined) entry.comment = `answered by the recording proxy, not the target: ${captured.proxyError.kind} (${captured.proxyError.message})`;
  return entry;
}
