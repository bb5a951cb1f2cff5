import { classifyRequest } from './classify-request.js';
import { notesOf, type Har, type HarEntry, type RecordedHar } from './har-types.js';

/** One recorded exchange, read once for everything that judges a recording (calibrate, verify --from-har). */
export interface HarExchange {
  /** Index in log.entries: evidence names it. */
  index: number;
  entry: HarEntry;
  /** When the request left (unix ms) and when the target is taken to have handled it (halfway to the first byte). */
  startedMs: number;
  handledMs: number;
  endedMs: number;
  method: string;
  /** Path without the target's base path (`/v1/jobs/job_1`), and the query (`?__code=429` or ''). */
  path: string;
  search: string;
  operationId: string | null;
  jobId: string | null;
  status: number;
  /** Header names in lower case; repeated headers joined with `, `. */
  requestHeaders: Record<string, string>;
  responseHeaders: Record<string, string>;
  /** Parsed JSON, the text of other textual bodies, `<N bytes>` for media, undefined when empty. */
  requestBody: unknown;
  responseBody: unknown;
  /** The request asked for its outcome (`Prefer: code=...`, `?__code=...`): a forced answer, not the target's own choice. */
  forcedStatus: number | null;
  /** The recording proxy answered, not the target. */
  proxyError: boolean;
}

const headerMap = (headers: ReadonlyArray<{ name: string; value: string }>): Record<string, string> => {
  const out: Record<string, string> = {};
  for (const { name, value } of headers) {
    const lower = name.toLowerCase();
    out[lower] = out[lower] === undefined ? value : `${out[lower]}, ${value}`;
  }
  return out;
};

function readBody(text: string | undefined, mimeType: string, encoding: string | undefined, size: number): unknown {
  if (text === undefined || text === '') return size > 0 ? `<${size} bytes>` : undefined;
  if (encoding === 'base64') return `<${size} bytes>`;
  if (/json/i.test(mimeType)) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}

const forcedStatusOf = (prefer: string | undefined, search: string): number | null => {
  const fromPrefer = /(?:^|[,;\s])code\s*=\s*"?(\d{3})/i.exec(prefer ?? '')?.[1];
  const fromQuery = new URLSearchParams(search).get('__code');
  const raw = fromPrefer ?? fromQuery;
  return raw !== null && raw !== undefined && /^\d{3}$/.test(raw) ? Number(raw) : null;
};

/** The recording's exchanges in the order they started, each read once. */
export function harExchanges(har: Har): HarExchange[] {
  const target = (har as RecordedHar).log._aigw?.target;
  const basePath = target === undefined ? '' : new URL(target).pathname.replace(/\/+$/, '');
  return har.log.entries
    .map((entry, index) => {
      const url = new URL(entry.request.url);
      const path = basePath !== '' && url.pathname.startsWith(basePath) ? url.pathname.slice(basePath.length) || '/' : url.pathname;
      const kind = classifyRequest(entry.request.method, path);
      const requestHeaders = headerMap(entry.request.headers);
      const startedMs = Date.parse(entry.startedDateTime);
      const responseBody = readBody(entry.response.content.text, entry.response.content.mimeType, entry.response.content.encoding, entry.response.content.size);
      let jobId = kind.jobId;
      if (jobId === null && kind.operationId === 'createVideo' && typeof responseBody === 'object' && responseBody !== null) {
        const id = (responseBody as { id?: unknown }).id;
        if (typeof id === 'string' && entry.response.status < 300) jobId = id;
      }
      const exchange: HarExchange = {
        index,
        entry,
        startedMs,
        handledMs: startedMs + Math.max(0, entry.timings.send ?? 0) + Math.max(0, entry.timings.wait ?? 0) / 2,
        endedMs: startedMs + entry.time,
        method: entry.request.method.toUpperCase(),
        path,
        search: url.search,
        operationId: kind.operationId,
        jobId,
        status: entry.response.status,
        requestHeaders,
        responseHeaders: headerMap(entry.response.headers),
        requestBody: readBody(entry.request.postData?.text, entry.request.postData?.mimeType ?? '', undefined, entry.request.bodySize),
        responseBody,
        forcedStatus: forcedStatusOf(requestHeaders['prefer'], url.search),
        proxyError: notesOf(entry)?.proxyError !== undefined,
      };
      return exchange;
    })
    .sort((a, b) => a.startedMs - b.startedMs || a.index - b.index);
}

/** `GET /v1/jobs/job_1 -> 200`, as evidence names an exchange. */
export const describeExchange = (e: HarExchange): string => `${e.method} ${e.path}${e.search} -> ${e.status}`;
