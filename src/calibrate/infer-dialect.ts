import { defaultDialect, dialectFrom, dialectPoints, namedDialects, type Dialect, type DialectChoices, type DialectPoint } from '../contract/dialects.js';
import { describeExchange, type HarExchange } from '../har/har-exchanges.js';

/** One piece of evidence: which entry showed what. */
export interface Evidence {
  entry: number;
  request: string;
  shows: string;
}

/** What the recording says about one point of disagreement. */
export interface PointFinding {
  point: DialectPoint;
  choice: string;
  /** False: nothing showed this point; the choice is the closest named dialect's. */
  observed: boolean;
  evidence: Evidence[];
  note?: string;
}

export interface InferredDialect {
  /** As `--dialect` takes it: `docs`, or `docs,fast-poll=none`. */
  name: string;
  choices: DialectChoices;
  points: PointFinding[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
/** Polls of one job closer than this may be answered 304 by a gateway that follows the docs. */
export const FAST_POLL_MS = 3000;
const MAX_EVIDENCE = 3;

/** Each observation names the choices it is compatible with. */
interface Observation {
  point: DialectPoint;
  compatible: readonly string[];
  evidence: Evidence;
}

function jobObservations(e: HarExchange, job: Record<string, unknown>, see: (point: DialectPoint, compatible: string[], shows: string) => void): void {
  const hasCreated = 'created' in job;
  const hasCreatedAt = 'created_at' in job;
  if (hasCreated && hasCreatedAt) see('time-fields', ['both'], 'a job with created and created_at');
  else if (hasCreated) see('time-fields', ['created'], 'a job with created only');
  else if (hasCreatedAt) see('time-fields', ['created_at'], 'a job with created_at, no created');
  else see('time-fields', ['none'], 'a job without timestamps');
  const status = job['status'];
  if (status === 'running') see('statuses', ['docs'], "status 'running'");
  if (status === 'processing') see('statuses', ['model-page', 'model-page+cancelled'], "status 'processing'");
  if (status === 'cancelled') see('statuses', ['model-page+cancelled', 'docs'], "status 'cancelled'");
  if (status === 'completed') {
    const result = isObject(job['result']) ? job['result'] : null;
    const url = typeof result?.['url'] === 'string';
    const fileUrl = typeof result?.['file_url'] === 'string';
    const topLevel = typeof job['result_url'] === 'string';
    if (url && topLevel) see('result-location', ['result.url+result_url'], 'a completed job with result.url and result_url');
    else if (url) see('result-location', ['result.url'], 'a completed job with result.url');
    else if (fileUrl) see('result-location', ['result.file_url'], 'a completed job with result.file_url');
    else if (topLevel) see('result-location', ['result_url'], 'a completed job with result_url only');
  }
  if (status === 'failed') {
    const error = job['error'];
    if (isObject(error)) {
      see('failed-error', ['object'], 'a failed job whose error is an object');
      if (error['code'] === 'cancelled') see('statuses', ['model-page'], "a cancelled job that reads 'failed' with code 'cancelled'");
    } else if (typeof error === 'string') see('failed-error', ['string'], 'a failed job whose error is a string');
  }
}

/** What a recorded cancel says about its route: served (any answer but an unknown endpoint), or not. */
function cancelRouteServed(e: HarExchange): boolean {
  const body = isObject(e.responseBody) && isObject(e.responseBody['error']) ? e.responseBody['error'] : null;
  if (e.status === 405 || e.responseHeaders['allow'] !== undefined || body?.['code'] === 'unknown_endpoint') return false;
  return (e.status >= 200 && e.status < 300) || e.status === 409 || e.status === 404;
}

function observe(exchanges: readonly HarExchange[]): Observation[] {
  const observations: Observation[] = [];
  const lastPoll = new Map<string, number>();
  for (const e of exchanges) {
    if (e.proxyError) continue;
    const see = (point: DialectPoint, compatible: string[], shows: string): void => {
      observations.push({ point, compatible, evidence: { entry: e.index, request: describeExchange(e), shows } });
    };
    const body = e.responseBody;
    if (e.operationId === 'createVideo' && e.status >= 200 && e.status < 300 && e.forcedStatus === null) {
      see('create-status', [String(e.status)], `a create answered ${e.status}`);
    }
    if ((e.operationId === 'createVideo' || e.operationId === 'getJob') && e.status >= 200 && e.status < 300 && isObject(body) && typeof body['status'] === 'string') {
      jobObservations(e, body, see);
    }
    const errorType = isObject(body) && isObject(body['error']) ? body['error']['type'] : undefined;
    if (e.status === 429 && errorType === 'rate_limit_error') see('error-types', ['model-page'], "a 429 of type 'rate_limit_error'");
    if (e.status === 429 && errorType === 'rate_limited') see('error-types', ['docs'], "a 429 of type 'rate_limited'");
    if (e.status === 401 && errorType === 'authentication_error') see('error-types', ['model-page'], "a 401 of type 'authentication_error'");
    if (e.status === 401 && errorType === 'invalid_key') see('error-types', ['docs'], "a 401 of type 'invalid_key'");
    if (e.operationId === 'cancelJob' || e.operationId === 'deleteJob') {
      const served = cancelRouteServed(e);
      if (e.method === 'DELETE') see('cancel', served ? ['delete', 'both'] : ['none', 'post'], served ? 'DELETE /v1/jobs/{id} is served' : 'DELETE /v1/jobs/{id} is not an endpoint');
      else see('cancel', served ? ['post', 'both'] : ['none', 'delete'], served ? 'POST /v1/jobs/{id}/cancel is served' : 'POST /v1/jobs/{id}/cancel is not an endpoint');
    }
    if (e.operationId === 'getJob' && e.jobId !== null && e.forcedStatus === null) {
      const previous = lastPoll.get(e.jobId);
      if (e.status === 304) see('fast-poll', ['304'], 'a poll answered 304 Not Modified');
      else if (e.status === 200 && previous !== undefined && e.startedMs - previous < FAST_POLL_MS) {
        see('fast-poll', ['none'], `a poll ${Math.round(e.startedMs - previous)} ms after the last answered one answered 200`);
      }
      // The interval runs from the last poll that answered the job: a 304 does not restart it (docs/dialects.md).
      if (e.status === 200) lastPoll.set(e.jobId, e.startedMs);
    }
  }
  return observations;
}

/**
 * The dialect a recording shows. Each observation is compatible with some choices of one point;
 * a point takes the choice most observations agree with. Among the named dialects, the one that
 * agrees with the most observed points settles what the recording cannot (ties go to the default,
 * `union`), and names the result after `dialectFrom`.
 */
export function inferDialect(exchanges: readonly HarExchange[]): InferredDialect {
  const observations = observe(exchanges);
  const allowed = new Map<DialectPoint, Set<string>>();
  const notes = new Map<DialectPoint, string>();
  for (const { id, choices } of dialectPoints) {
    const mine = observations.filter((o) => o.point === id);
    if (mine.length === 0) continue;
    const votes = new Map<string, number>(choices.map((c) => [c.id, 0]));
    for (const o of mine) for (const c of o.compatible) votes.set(c, (votes.get(c) ?? 0) + 1);
    const top = Math.max(...votes.values());
    allowed.set(id, new Set([...votes].filter(([, n]) => n === top).map(([c]) => c)));
    if (top < mine.length) notes.set(id, `the recording disagrees with itself here: ${mine.length - top} of ${mine.length} observations fit another choice`);
  }
  const fits = (d: Dialect): number => [...allowed].filter(([point, set]) => set.has(d.choices[point])).length;
  let closest = defaultDialect;
  for (const d of Object.values(namedDialects)) if (fits(d) > fits(closest)) closest = d;

  const choices = {} as Record<DialectPoint, string>;
  const points: PointFinding[] = dialectPoints.map(({ id, choices: options }) => {
    const set = allowed.get(id);
    const evidence = observations.filter((o) => o.point === id).slice(0, MAX_EVIDENCE).map((o) => o.evidence);
    const theirs = closest.choices[id] as string;
    if (set === undefined) {
      choices[id] = theirs;
      return { point: id, choice: theirs, observed: false, evidence, note: `${closest.name}'s choice` };
    }
    const choice = set.has(theirs) ? theirs : (options.find((o) => set.has(o.id))?.id ?? theirs);
    choices[id] = choice;
    const ambiguous = set.size > 1 ? `the recording allows ${[...set].join(' or ')}; ${closest.name}'s choice` : undefined;
    const note = [notes.get(id), ambiguous].filter((n) => n !== undefined).join('; ');
    return { point: id, choice, observed: true, evidence, ...(note !== '' ? { note } : {}) };
  });
  const dialect = dialectFrom(choices as DialectChoices, closest.name);
  return { name: dialect.name, choices: dialect.choices, points };
}
