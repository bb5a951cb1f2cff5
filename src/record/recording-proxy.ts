import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { errorEntry } from '../contract/error-catalog.js';
import type { RecordedEntry } from '../har/har-types.js';
import type { FetchFunction } from '../verify/target.js';
import { createRecorder, splitTarget, type Recorder, type RecorderOptions, type RecordingStats } from './create-recorder.js';
import { createHarFileWriter, type HarFileWriter } from './har-file-writer.js';

export interface RecordingProxyOptions extends Omit<RecorderOptions, 'fetch'> {
  /** Write the HAR here, kept complete after every exchange (atomic rename). */
  out?: string | null;
  /** Default 0 (a free port). */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** How long the target may take to start answering before the proxy answers 504 itself. Default 120 s. */
  timeoutMs?: number;
  /** Point URLs of the target in JSON bodies and Location headers at the proxy, so downloads are recorded too. Default true. */
  rewriteUrls?: boolean;
  /** Request bodies over this size are refused with 413 (default 32 MiB). */
  maxRequestBytes?: number;
  fetch?: FetchFunction;
}

export interface RunningRecordingProxy {
  /** Where clients go: `http://127.0.0.1:<port>/v1`. */
  url: string;
  origin: string;
  port: number;
  recorder: Recorder;
  stats(): RecordingStats;
  /** Stops listening, waits for open exchanges, and writes the complete HAR. */
  close(): Promise<void>;
}

// RFC 9110 section 7.6.1: connection-specific headers are not forwarded; fetch sets host and length itself.
const HOP_BY_HOP = new Set(['connection', 'keep-alive', 'proxy-connection', 'proxy-authenticate', 'proxy-authorization', 'te', 'trailer', 'transfer-encoding', 'upgrade', 'host', 'content-length', 'expect']);
// fetch hands over the body decoded, so its encoding and length no longer describe what is sent on.
const NOT_FORWARDED_BACK = new Set([...HOP_BY_HOP, 'content-encoding']);

/** The proxy's own failure, in the API's error envelope, marked as the proxy's. */
function proxyErrorBody(kind: 'unreachable' | 'timeout', target: string, detail: string): { status: number; body: string } {
  const status = kind === 'timeout' ? 504 : 502;
  const message =
    kind === 'timeout'
      ? `aigw-video record: ${target} did not answer in time (${detail}). This answer is the recording proxy's, not the gateway's.`
      : `aigw-video record: ${target} could not be reached (${detail}). This answer is the recording proxy's, not the gateway's.`;
  // The spec has no 502/504; the 500's type keeps clients that switch on error.type working.
  const body = { error: { message, type: errorEntry(500).type, code: kind === 'timeout' ? 'proxy_timeout' : 'proxy_target_unreachable', param: null } };
  return { status, body: JSON.stringify(body) };
}

async function readBody(req: IncomingMessage, limit: number): Promise<Uint8Array | 'too-large'> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size > limit) return 'too-large';
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

const describeError = (error: unknown): string => {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  return cause?.code ?? cause?.message ?? (error as Error).message ?? String(error);
};

/**
 * A recording proxy: node:http in, fetch out. Every exchange is forwarded as it is (streamed
 * bodies, Range requests, redirects) and recorded as HAR 1.2 with its secrets redacted; when the
 * target cannot be reached the proxy answers 502/504 in the API's envelope and marks the entry as
 * its own.
 */
export async function startRecordingProxy(options: RecordingProxyOptions): Promise<RunningRecordingProxy> {
  const { out = null, port = 0, host = '127.0.0.1', timeoutMs = 120_000, rewriteUrls = true, maxRequestBytes = 32 * 1024 * 1024 } = options;
  const { origin: targetOrigin, basePath } = splitTarget(options.target);
  let writer: HarFileWriter | null = null;
  const recorder = createRecorder({
    ...options,
    onEntry: (entry: RecordedEntry, stats: RecordingStats) => {
      writer?.schedule();
      options.onEntry?.(entry, stats);
    },
  });
  if (out !== null) writer = createHarFileWriter(out, () => recorder.har());
  const now = options.now ?? Date.now;
  const open = new Set<Promise<void>>();

  const answerOwnError = (req: IncomingMessage, res: ServerResponse, url: string, headers: [string, string][], body: Uint8Array | null, startedMs: number, kind: 'unreachable' | 'timeout', detail: string): void => {
    const { status, body: text } = proxyErrorBody(kind, `${targetOrigin}${basePath}`, detail);
    const responseHeaders: [string, string][] = [
      ['content-type', 'application/json; charset=utf-8'],
      ['x-request-id', `req_proxy_${randomBytes(6).toString('hex')}`],
      ['x-aigw-proxy-error', kind],
    ];
    const bytes = new TextEncoder().encode(text);
    recorder.add({
      startedMs,
      waitMs: now() - startedMs,
      receiveMs: 0,
      request: { method: req.method ?? 'GET', url, headers, body },
      response: { status, statusText: kind === 'timeout' ? 'Gateway Timeout' : 'Bad Gateway', headers: responseHeaders, body: bytes, totalBytes: bytes.byteLength },
      proxyError: { kind, message: detail },
    });
    if (!res.headersSent) {
      res.writeHead(status, Object.fromEntries(responseHeaders));
      res.end(text);
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const startedMs = now();
    const url = `${targetOrigin}${basePath}${req.url ?? '/'}`;
    const headers: [string, string][] = [];
    for (const [name, value] of Object.entries(req.headers)) {
      if (value === undefined || HOP_BY_HOP.has(name)) continue;
      headers.push([name, Array.isArray(value) ? value.join(', ') : value]);
    }
    const body = await readBody(req, maxRequestBytes);
    if (body === 'too-large') {
      res.writeHead(413, { 'content-type': 'application/json; charset=utf-8', connection: 'close' });
      res.end(JSON.stringify({ error: { message: `aigw-video record: request bodies over ${maxRequestBytes} bytes are not forwarded.`, type: errorEntry(413).type, code: 'proxy_body_too_large', param: null } }));
      return;
    }
    const method = req.method ?? 'GET';
    const sendsBody = body.byteLength > 0 && method !== 'GET' && method !== 'HEAD';
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    res.on('close', () => {
      if (!res.writableFinished) abort.abort(new Error('the client went away'));
    });
    let response: Response;
    try {
      response = await recorder.fetch(url, { method, headers, ...(sendsBody ? { body: body as unknown as BodyInit } : {}), redirect: 'manual', signal: abort.signal });
    } catch (error) {
      clearTimeout(timer);
      if (res.destroyed) return;
      const timedOut = abort.signal.aborted;
      answerOwnError(req, res, url, headers, sendsBody ? body : null, startedMs, timedOut ? 'timeout' : 'unreachable', timedOut ? `no answer within ${timeoutMs} ms` : describeError(error));
      return;
    }
    clearTimeout(timer);
    const proxyOrigin = `http://${req.headers.host ?? `${host}:${port}`}`;
    const rewrite = (text: string): string => (rewriteUrls ? text.split(`${targetOrigin}/`).join(`${proxyOrigin}/`) : text);
    const forwarded: Record<string, string | string[]> = {};
    response.headers.forEach((value, name) => {
      if (NOT_FORWARDED_BACK.has(name)) return;
      forwarded[name] = name === 'location' ? rewrite(value) : value;
    });
    const setCookies = response.headers.getSetCookie();
    if (setCookies.length > 0) forwarded['set-cookie'] = setCookies;
    const contentType = response.headers.get('content-type') ?? '';
    if (response.body === null) {
      res.writeHead(response.status, response.statusText, forwarded);
      res.end();
      return;
    }
    if (rewriteUrls && /json/i.test(contentType)) {
      const text = rewrite(await response.text());
      forwarded['content-length'] = String(Buffer.byteLength(text));
      res.writeHead(response.status, response.statusText, forwarded);
      res.end(text);
      return;
    }
    const length = response.headers.get('content-length');
    if (length !== null && response.headers.get('content-encoding') === null) forwarded['content-length'] = length;
    res.writeHead(response.status, response.statusText, forwarded);
    await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>), res).catch(() => res.destroy());
  };

  const server: Server = createServer((req, res) => {
    const done = handle(req, res)
      .catch(() => {
        if (!res.headersSent) res.writeHead(500).end();
        else res.destroy();
      })
      .finally(() => open.delete(done));
    open.add(done);
  });
  await new Promise<void>((ready, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      ready();
    });
  });
  const address = server.address() as AddressInfo;
  const origin = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;
  await writer?.flush();
  return {
    url: `${origin}/v1`,
    origin,
    port: address.port,
    recorder,
    stats: () => recorder.stats(),
    async close() {
      await new Promise<void>((done) => {
        server.close(() => done());
        server.closeIdleConnections();
        // Exchanges still streaming get a moment to finish, then their connections are cut.
        setTimeout(() => server.closeAllConnections(), 2000).unref();
      });
      await Promise.allSettled([...open]);
      await writer?.flush();
    },
  };
}
