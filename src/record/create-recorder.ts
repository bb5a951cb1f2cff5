import type { Creator } from 'har-format';
import { clientVersion } from '../client/version.js';
import type { AigwLogNotes, RecordedEntry, RecordedHar } from '../har/har-types.js';
import type { FetchFunction } from '../verify/target.js';
import { harEntry, isTextual, type CapturedExchange } from './har-entry.js';
import { createRedactor, type RedactionOptions } from './redactor.js';

export const DEFAULT_MAX_MEDIA_BYTES = 256 * 1024;
/** Textual bodies are kept whole up to this size (API bodies are far smaller). */
const MAX_TEXT_BYTES = 16 * 1024 * 1024;

export interface RecorderOptions {
  /** The target's base URL (`https://api.aigateway.sh` or `.../v1`): written in the HAR, and its path prefix is stripped when matching the spec's paths. */
  target: string;
  /** The fetch that really sends (default the global fetch). */
  fetch?: FetchFunction;
  /** Media bodies are kept up to this many bytes (default 256 KiB); the entry says when a body was cut. */
  maxMediaBytes?: number;
  /** More names and values to redact. */
  redaction?: RedactionOptions;
  /** The clock (unix ms), for timestamps and timings. Default `Date.now`; tests pass a virtual one. */
  now?: () => number;
  /** Called with each finished entry and the totals so far. */
  onEntry?: (entry: RecordedEntry, stats: RecordingStats) => void;
}

export interface RecordingStats {
  requests: number;
  /** Job ids seen (created, or named in a path). */
  jobs: number;
  /** Request and response body bytes that passed through. */
  bytes: number;
  /** Answers the recording proxy gave itself (target unreachable, timed out). */
  proxyErrors: number;
}

export interface Recorder {
  /** A fetch that records every exchange it makes, the body as it streams through. */
  fetch: FetchFunction;
  /** Adds an exchange captured elsewhere (the proxy's own answers). */
  add(captured: Omit<CapturedExchange, 'basePath'>): RecordedEntry;
  /** The finished entries, by start time. */
  entries(): RecordedEntry[];
  /** The recording so far, as HAR 1.2. */
  har(): RecordedHar;
  stats(): RecordingStats;
}

/** `https://api.aigateway.sh/v1/` -> origin `https://api.aigateway.sh`, base path '' (a trailing /v1 is the API's own). */
export function splitTarget(target: string): { origin: string; basePath: string } {
  const url = new URL(target);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error(`the target must be an http(s) URL, not '${target}'`);
  return { origin: url.origin, basePath: url.pathname.replace(/\/+$/, '').replace(/\/v1$/, '') };
}

const NULL_BODY = new Set([101, 103, 204, 205, 304]);

async function bodyBytes(body: unknown): Promise<Uint8Array | null> {
  if (body === undefined || body === null) return null;
  if (typeof body === 'string') return new TextEncoder().encode(body);
  if (body instanceof Uint8Array) return body;
  if (body instanceof ArrayBuffer) return new Uint8Array(body);
  if (body instanceof URLSearchParams) return new TextEncoder().encode(body.toString());
  if (body instanceof Blob) return new Uint8Array(await body.arrayBuffer());
  return null;
}

/** Records the exchanges of a fetch as HAR 1.2 entries; pure bookkeeping around the fetch it wraps. */
export function createRecorder(options: RecorderOptions): Recorder {
  const { origin, basePath } = splitTarget(options.target);
  const inner: FetchFunction = options.fetch ?? ((input, init) => fetch(input, init));
  const now = options.now ?? Date.now;
  const maxMediaBytes = options.maxMediaBytes ?? DEFAULT_MAX_MEDIA_BYTES;
  const redactor = createRedactor(options.redaction);
  const finished: { seq: number; startedMs: number; entry: RecordedEntry }[] = [];
  const jobs = new Set<string>();
  const totals = { requests: 0, bytes: 0, proxyErrors: 0 };
  let seq = 0;

  const stats = (): RecordingStats => ({ requests: totals.requests, jobs: jobs.size, bytes: totals.bytes, proxyErrors: totals.proxyErrors });
  const finish = (order: number, captured: Omit<CapturedExchange, 'basePath'>): RecordedEntry => {
    const entry = harEntry({ ...captured, basePath }, redactor, maxMediaBytes);
    finished.push({ seq: order, startedMs: captured.startedMs, entry });
    totals.requests += 1;
    totals.bytes += (captured.request.body?.byteLength ?? 0) + captured.response.totalBytes;
    if (captured.proxyError !== undefined) totals.proxyErrors += 1;
    const jobId = entry._aigw?.jobId;
    if (jobId !== null && jobId !== undefined && entry.response.status < 400) jobs.add(jobId);
    options.onEntry?.(entry, stats());
    return entry;
  };

  const recordingFetch: FetchFunction = async (input, init) => {
    const order = seq++;
    const startedMs = now();
    const request = input instanceof Request ? input : null;
    const method = (init?.method ?? request?.method ?? 'GET').toUpperCase();
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const headers: [string, string][] = [...new Headers(init?.headers ?? request?.headers ?? undefined)];
    const body = init?.body !== undefined ? await bodyBytes(init.body) : request !== null && request.body !== null ? new Uint8Array(await request.clone().arrayBuffer()) : null;
    const response = await inner(input, init);
    const headersAt = now();
    const base = { startedMs, waitMs: headersAt - startedMs, request: { method, url, headers, body } };
    const responseHeaders: [string, string][] = [...response.headers];
    const described = { status: response.status, statusText: response.statusText, headers: responseHeaders };
    if (response.body === null || NULL_BODY.has(response.status) || method === 'HEAD') {
      finish(order, { ...base, receiveMs: 0, response: { ...described, body: new Uint8Array(0), totalBytes: 0 } });
      return response;
    }
    const limit = isTextual(response.headers.get('content-type') ?? undefined) ? MAX_TEXT_BYTES : maxMediaBytes;
    const kept: Uint8Array[] = [];
    let keptBytes = 0;
    let total = 0;
    let done = false;
    const end = (error?: string): void => {
      if (done) return;
      done = true;
      const bytes = new Uint8Array(keptBytes);
      let at = 0;
      for (const chunk of kept) {
        bytes.set(chunk, at);
        at += chunk.byteLength;
      }
      finish(order, {
        ...base,
        receiveMs: now() - headersAt,
        response: { ...described, body: bytes, totalBytes: total },
        ...(error !== undefined ? { proxyError: { kind: 'aborted' as const, message: error } } : {}),
      });
    };
    const reader = response.body.getReader();
    const stream = new ReadableStream<Uint8Array>({
      async pull(controller) {
        try {
          const { done: ended, value } = await reader.read();
          if (ended) {
            end();
            controller.close();
            return;
          }
          total += value.byteLength;
          if (keptBytes < limit) {
            const slice = value.subarray(0, limit - keptBytes);
            kept.push(slice.slice());
            keptBytes += slice.byteLength;
          }
          controller.enqueue(value);
        } catch (error) {
          end(`the body broke off after ${total} bytes: ${(error as Error).message}`);
          controller.error(error);
        }
      },
      async cancel(reason) {
        end(`the client stopped reading after ${total} bytes`);
        await reader.cancel(reason);
      },
    });
    return new Response(stream, { status: response.status, statusText: response.statusText, headers: response.headers });
  };

  const entries = (): RecordedEntry[] => [...finished].sort((a, b) => a.startedMs - b.startedMs || a.seq - b.seq).map((f) => f.entry);
  return {
    fetch: recordingFetch,
    add: (captured) => finish(seq++, captured),
    entries,
    har() {
      const creator: Creator = { name: 'aigw-video-kit', version: clientVersion };
      const notes: AigwLogNotes = { target: `${origin}${basePath}`, redacted: redactor.names, maxMediaBytes };
      return {
        log: {
          version: '1.2',
          creator,
          comment: `Recorded from ${origin}${basePath} by aigw-video record. Credentials, signed-URL tokens, webhook URLs and secret fields are redacted; media bodies are kept up to ${maxMediaBytes} bytes.`,
          entries: entries(),
          _aigw: notes,
        },
      };
    },
    stats,
  };
}
