import { distance } from 'fastest-levenshtein';
import { errorEnvelope } from '../contract/error-catalog.js';
import { decodeOrKeep } from '../contract/openapi-document.js';
import { classifyRequest } from '../har/classify-request.js';
import { harHeader, notesOf, type Har, type HarEntry, type RecordedHar } from '../har/har-types.js';
import { validateHar } from '../har/validate-har.js';
import { authorizationFingerprint } from '../record/redactor.js';
import type { SimRequest, SimResponse } from '../sim/exchange.js';
import type { Responder } from './responder.js';

export interface ReplayOptions {
  /** `recorded`: wait as long as the target took to answer (the entry's `timings.wait`). Default `none`. */
  latency?: 'recorded' | 'none';
}

export interface Replay extends Responder {
  handle(request: SimRequest): SimResponse;
  /** Rewinds: every recorded answer can be played again (also `POST /__mock/reset`). */
  reset(): void;
  /** Recorded exchanges the replay can answer with. */
  readonly entries: number;
  /** Recorded job ids, in the order they were created. */
  readonly jobs: readonly string[];
}

/** One recorded exchange, read for matching. */
interface Recorded {
  index: number;
  entry: HarEntry;
  method: string;
  route: string;
  /** `METHOD /path?query` as it was sent, for naming the closest one. */
  shown: string;
  body: string;
  prefer: string;
  range: string;
  /** Which credential sent it (a fingerprint), null when none was sent. */
  key: string | null;
  /** A create that made a job: answered once only (its id must not be handed out twice). */
  createdJob: string | null;
}

const UNKNOWN_JOB = '{unrecorded-job}';
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
// Framing is the adapter's: lengths and encodings of the recording no longer describe the body served.
const NOT_REPLAYED = new Set(['content-length', 'transfer-encoding', 'content-encoding', 'connection', 'keep-alive', 'set-cookie']);
const NULL_BODY = new Set([204, 205, 304]);

const sortedQuery = (search: string): string => {
  const params = [...new URLSearchParams(search)].sort(([a, av], [b, bv]) => a.localeCompare(b) || av.localeCompare(bv));
  return params.length === 0 ? '' : `?${new URLSearchParams(params).toString()}`;
};

const canonicalJson = (text: string): string => {
  try {
    return JSON.stringify(sortKeys(JSON.parse(text)));
  } catch {
    return text;
  }
};
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isObject(value)) return value;
  return Object.fromEntries(Object.keys(value).sort().map((k) => [k, sortKeys(value[k])]));
}

function createdJobOf(entry: HarEntry, operationId: string | null): string | null {
  if (operationId !== 'createVideo' || entry.response.status < 200 || entry.response.status >= 300) return null;
  try {
    const body = JSON.parse(entry.response.content.text ?? '') as { id?: unknown };
    return typeof body.id === 'string' ? body.id : null;
  } catch {
    return null;
  }
}

/** The recorded target's origin and base path: from the recorder's notes, else each entry's own URL. */
function targetOf(har: Har): { origin: string; basePath: string } | null {
  const target = (har as RecordedHar).log._aigw?.target;
  if (target === undefined) return null;
  const url = new URL(target);
  return { origin: url.origin, basePath: url.pathname.replace(/\/+$/, '') };
}

const decodeBase64 = (text: string): Uint8Array => {
  const binary = atob(text.replace(/\s+/g, ''));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
};

/**
 * A replay of a recording, as a responder the adapters serve like the simulation. Pure: no I/O, no
 * clock; the HAR is validated here (a bad one throws a HarError naming the field).
 *
 * Matching (docs/replay.md):
 * 1. A request's route is its method, path and query (parameters sorted). A job id in the path
 *    that the recording knows (created or polled there) stays as it is; any other id matches the
 *    recorded requests for ids the recording did not know (its 404s).
 * 2. Among the recorded requests of that route, the first one not yet played answers, preferring
 *    one with the same JSON body, `Prefer` and `Range` headers. Repeated polls of a job therefore
 *    play back in recorded order, and the job moves as it moved. The same credential counts too
 *    (the recording keeps its fingerprint, never the key), so a bad key meets its recorded 401.
 * 3. When every one has been played, the last one recorded answers again (a finished job stays
 *    finished). A create that made a job is the exception: it is played once, so each new create
 *    gets the next recorded job and its id.
 * 4. A request with no recorded counterpart gets a 404 in the API's envelope, code
 *    `no_recorded_match`, naming the closest recorded request.
 */
export function createReplay(har: Har, options: ReplayOptions = {}): Replay {
  validateHar(har);
  const target = targetOf(har);
  const recordedJobs = new Set<string>();
  const jobOrder: string[] = [];
  const usable = har.log.entries
    .map((entry, index) => ({ entry, index }))
    .filter(({ entry }) => notesOf(entry)?.proxyError === undefined)
    .filter(({ entry }) => target === null || new URL(entry.request.url).origin === target.origin);

  const pathOf = (url: URL): string => (target !== null && target.basePath !== '' && url.pathname.startsWith(target.basePath) ? url.pathname.slice(target.basePath.length) || '/' : url.pathname);

  // Jobs the recording knows: those its creates made, and those its polls found.
  for (const { entry } of usable) {
    const url = new URL(entry.request.url);
    const kind = classifyRequest(entry.request.method, pathOf(url));
    const created = createdJobOf(entry, kind.operationId);
    if (created !== null && !recordedJobs.has(created)) {
      recordedJobs.add(created);
      jobOrder.push(created);
    }
    if (kind.operationId === 'getJob' && kind.jobId !== null && entry.response.status === 200) recordedJobs.add(kind.jobId);
  }

  const routeOf = (method: string, path: string, search: string): string => {
    const kind = classifyRequest(method, path);
    const routePath = kind.jobId !== null && !recordedJobs.has(kind.jobId) ? path.split('/').map((s) => (decodeOrKeep(s) === kind.jobId ? UNKNOWN_JOB : s)).join('/') : path;
    return `${method.toUpperCase()} ${routePath}${sortedQuery(search)}`;
  };

  const recorded: Recorded[] = usable.map(({ entry, index }) => {
    const url = new URL(entry.request.url);
    const path = pathOf(url);
    const kind = classifyRequest(entry.request.method, path);
    return {
      index,
      entry,
      method: entry.request.method.toUpperCase(),
      route: routeOf(entry.request.method, path, url.search),
      shown: `${entry.request.method.toUpperCase()} ${path}${url.search}`,
      body: canonicalJson(entry.request.postData?.text ?? ''),
      prefer: harHeader(entry.request.headers, 'prefer') ?? '',
      range: harHeader(entry.request.headers, 'range') ?? '',
      key: authorizationFingerprint(harHeader(entry.request.headers, 'authorization')),
      createdJob: createdJobOf(entry, kind.operationId),
    };
  });
  const byRoute = new Map<string, Recorded[]>();
  for (const r of recorded) {
    const list = byRoute.get(r.route) ?? [];
    list.push(r);
    byRoute.set(r.route, list);
  }

  let played = new Set<number>();
  let requestSeq = 0;

  const respond = (r: Recorded, request: SimRequest): SimResponse => {
    const { response } = r.entry;
    const originOf = target?.origin ?? new URL(r.entry.request.url).origin;
    const rewrite = (text: string): string => text.split(`${originOf}/`).join(`${request.origin}/`);
    const headers: Record<string, string> = {};
    for (const { name, value } of response.headers) {
      const lower = name.toLowerCase();
      if (NOT_REPLAYED.has(lower)) continue;
      const shown = lower === 'location' ? rewrite(value) : value;
      headers[lower] = headers[lower] === undefined ? shown : `${headers[lower]}, ${shown}`;
    }
    headers['x-aigw-replay'] = `entry ${r.index}`;
    const truncated = notesOf(r.entry)?.truncated;
    if (truncated !== undefined) headers['x-aigw-replay-truncated'] = `${truncated.keptBytes}/${truncated.totalBytes} bytes were recorded`;
    const text = response.content.text;
    let body: SimResponse['body'] = { kind: 'none' };
    if (text !== undefined && text !== '' && !NULL_BODY.has(response.status) && request.method.toUpperCase() !== 'HEAD') {
      body = { kind: 'bytes', data: response.content.encoding === 'base64' ? decodeBase64(text) : new TextEncoder().encode(rewrite(text)) };
    }
    const latencyMs = options.latency === 'recorded' ? Math.max(0, Math.round(r.entry.timings.wait)) : 0;
    return { status: response.status, headers, body, socketFault: null, latencyMs, journal: null };
  };

  const unmatched = (request: SimRequest, shown: string, reason: string): SimResponse => {
    const closest = closestTo(recorded, request.method.toUpperCase(), shown);
    const named = closest === null ? 'The recording holds no request to compare with.' : `Closest recorded request: ${closest.shown} (entry ${closest.index}, answered ${closest.entry.response.status}).`;
    return jsonReply(404, errorEnvelope(404, { message: `Replay: ${reason} ${named}`, code: 'no_recorded_match' }), { 'x-aigw-replay': 'unmatched' });
  };

  const replay: Replay = {
    entries: recorded.length,
    jobs: jobOrder,
    reset() {
      played = new Set();
    },
    handle(request) {
      let url: URL;
      try {
        url = new URL(request.url, 'http://replay.invalid');
      } catch {
        return unmatched(request, request.url, `${request.method} ${request.url} is not a URL.`);
      }
      const method = request.method.toUpperCase();
      if (url.pathname === '/__mock' || url.pathname.startsWith('/__mock/')) return control(method, url.pathname);
      const shown = `${method} ${url.pathname}${url.search}`;
      const candidates = byRoute.get(routeOf(method === 'HEAD' ? 'GET' : method, url.pathname, url.search)) ?? [];
      if (candidates.length === 0) return unmatched(request, shown, `nothing recorded answers ${shown}.`);
      const body = request.body === null ? '' : canonicalJson(new TextDecoder().decode(request.body));
      const prefer = request.headers['prefer'] ?? '';
      const range = request.headers['range'] ?? '';
      const key = authorizationFingerprint(request.headers['authorization']);
      const score = (r: Recorded): number => (r.body === body ? 4 : 0) + (r.key === key ? 3 : 0) + (r.prefer === prefer ? 2 : 0) + (r.range === range ? 2 : 0);
      let best: Recorded | null = null;
      for (const r of candidates) if (!played.has(r.index) && (best === null || score(r) > score(best))) best = r;
      if (best === null) {
        const last = candidates.filter((r) => r.createdJob === null).at(-1);
        if (last === undefined) {
          return unmatched(request, shown, `all ${candidates.length} recorded creates have been answered, each with its own job (POST /__mock/reset rewinds the replay).`);
        }
        best = last;
      }
      played.add(best.index);
      return respond(best, request);
    },
  };

  function control(method: string, pathname: string): SimResponse {
    if (method === 'POST' && pathname === '/__mock/reset') {
      replay.reset();
      return jsonReply(200, { scope: 'all', jobs_removed: 0 });
    }
    return jsonReply(404, errorEnvelope(404, { message: `${method} ${pathname} is not available while replaying a recording; only POST /__mock/reset (rewind) is.`, code: 'unknown_endpoint' }));
  }

  function jsonReply(status: number, value: unknown, headers: Record<string, string> = {}): SimResponse {
    const requestId = `req_replay_${String(++requestSeq).padStart(6, '0')}`;
    return { status, headers: { 'content-type': 'application/json; charset=utf-8', 'x-request-id': requestId, ...headers }, body: { kind: 'json', value }, socketFault: null, latencyMs: 0, journal: null };
  }

  return replay;
}

/** The recorded request nearest to one (same method first, then the fewest edits to path and query). */
function closestTo(recorded: readonly Recorded[], method: string, shown: string): Recorded | null {
  let best: Recorded | null = null;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const r of recorded) {
    const score = (r.method === method ? 0 : 1000) + distance(r.shown, shown);
    if (score < bestScore) {
      best = r;
      bestScore = score;
    }
  }
  return best;
}
