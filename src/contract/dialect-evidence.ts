import { defaultDialect, dialectFrom, dialectPoints, namedDialects, type Dialect, type DialectChoices, type DialectPoint } from './dialects.js';
import { errorCatalogIn } from './error-catalog.js';

/** One thing an answer shows of the dialect it speaks: the choices of a point it is compatible with. */
export interface DialectObservation {
  point: DialectPoint;
  /** The point's choices this answer agrees with; empty when it agrees with none (no source says so). */
  compatible: readonly string[];
  /** What was seen, for a person: `status 'running'`, `a 401 of type 'invalid_key'`. */
  shows: string;
}

/** An answer as the observer needs it. */
export interface ObservedAnswer {
  operationId: string | null;
  status: number;
  /** Lower-case names. */
  headers?: Readonly<Record<string, string>>;
  body: unknown;
  /** The status was forced (`Prefer: code=`, `?__code=`): it says nothing of the create status. */
  forced?: boolean;
  /** A poll sent sooner than 3 s after a poll of the same job that answered it (the fast-poll probe). */
  soonAfterAnsweredPoll?: boolean;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const choicesOf = (point: DialectPoint): string[] => dialectPoints.find((p) => p.id === point)?.choices.map((c) => c.id) ?? [];
const allBut = (point: DialectPoint, ...excluded: string[]): string[] => choicesOf(point).filter((c) => !excluded.includes(c));
const JOB_OPERATIONS = new Set(['createVideo', 'getJob', 'deleteJob', 'cancelJob']);
const CANCEL_ROUTES: Readonly<Record<string, { route: string; choices: string[] }>> = {
  deleteJob: { route: 'DELETE /v1/jobs/{id}', choices: ['delete', 'both'] },
  cancelJob: { route: 'POST /v1/jobs/{id}/cancel', choices: ['post', 'both'] },
};

// The error types of each choice of `error-types`, read from each dialect's error catalog.
const errorTypeChoices = (status: number): Map<string, string[]> => {
  const byType = new Map<string, string[]>();
  for (const choice of choicesOf('error-types')) {
    const dialect = dialectFrom({ ...defaultDialect.choices, 'error-types': choice } as DialectChoices);
    const type = errorCatalogIn(dialect).get(status)?.type;
    if (type !== undefined) byType.set(type, [...(byType.get(type) ?? []), choice]);
  }
  return byType;
};
const errorTypes = new Map([401, 429].map((status) => [status, errorTypeChoices(status)]));

function jobObservations(job: Record<string, unknown>, see: (point: DialectPoint, compatible: string[], shows: string) => void): void {
  const hasCreated = 'created' in job;
  const hasCreatedAt = 'created_at' in job;
  if (hasCreated && hasCreatedAt) see('time-fields', ['both'], 'a job with created and created_at');
  else if (hasCreated) see('time-fields', ['created'], 'a job with created, no created_at');
  else if (hasCreatedAt) see('time-fields', ['created_at'], 'a job with created_at, no created');
  else see('time-fields', ['none'], 'a job without timestamps');
  const status = job['status'];
  if (status === 'running') see('statuses', ['docs'], "status 'running'");
  else if (status === 'processing') see('statuses', ['model-page', 'model-page+cancelled'], "status 'processing'");
  else if (status === 'cancelled') see('statuses', ['model-page+cancelled', 'docs'], "status 'cancelled'");
  else if (typeof status === 'string' && !['queued', 'completed', 'failed'].includes(status)) see('statuses', [], `status '${status}'`);
  if (status === 'completed') {
    const result = isObject(job['result']) ? job['result'] : null;
    const url = typeof result?.['url'] === 'string';
    const fileUrl = typeof result?.['file_url'] === 'string';
    const topLevel = typeof job['result_url'] === 'string';
    if (url && topLevel) see('result-location', ['result.url+result_url'], 'a completed job with result.url and result_url');
    else if (url) see('result-location', ['result.url'], 'a completed job with result.url');
    else if (fileUrl) see('result-location', ['result.file_url'], 'a completed job with result.file_url');
    else if (topLevel) see('result-location', ['result_url'], 'a completed job with result_url only');
    else see('result-location', [], 'a completed job that says nowhere where its video is');
  }
  if (status === 'failed') {
    const error = job['error'];
    if (isObject(error)) {
      see('failed-error', ['object'], 'a failed job whose error is an object');
      if (error['code'] === 'cancelled') see('statuses', ['model-page'], "a cancelled job that reads 'failed' with error code 'cancelled'");
    } else if (typeof error === 'string') see('failed-error', ['string'], 'a failed job whose error is a string');
    else see('failed-error', [], 'a failed job without an error');
  }
}

/** Whether an answer to a cancel route says the route does not exist (rather than the job). */
export const unknownEndpoint = (answer: Pick<ObservedAnswer, 'status' | 'headers' | 'body'>): boolean => {
  const error = isObject(answer.body) && isObject(answer.body['error']) ? answer.body['error'] : null;
  return answer.status === 405 || answer.headers?.['allow'] !== undefined || error?.['code'] === 'unknown_endpoint';
};

/**
 * What one answer shows of the dialect its target speaks, point by point. The contract suite, the
 * client and `calibrate` read answers with it; a point the answer does not show yields nothing.
 */
export function observeAnswer(answer: ObservedAnswer): DialectObservation[] {
  const seen: DialectObservation[] = [];
  const see = (point: DialectPoint, compatible: string[], shows: string): void => void seen.push({ point, compatible, shows });
  const { operationId, status, body } = answer;
  const success = status >= 200 && status < 300;
  if (operationId === 'createVideo' && success && answer.forced !== true) {
    const code = String(status);
    see('create-status', choicesOf('create-status').includes(code) ? [code] : [], `a create answered ${status}`);
  }
  if (operationId !== null && JOB_OPERATIONS.has(operationId) && success && isObject(body) && typeof body['status'] === 'string') jobObservations(body, see);
  if (operationId === 'getJob' && status === 304) see('fast-poll', ['304'], 'a poll answered 304 Not Modified');
  if (operationId === 'getJob' && status === 200 && answer.soonAfterAnsweredPoll === true && answer.forced !== true) {
    see('fast-poll', ['none'], 'a poll sooner than 3 s after the last answered one answered the job');
  }
  const type = isObject(body) && isObject(body['error']) ? body['error']['type'] : undefined;
  const byType = errorTypes.get(status);
  if (typeof type === 'string' && byType !== undefined) see('error-types', byType.get(type) ?? [], `a ${status} of type '${type}'`);
  const cancel = operationId === null ? undefined : CANCEL_ROUTES[operationId];
  if (cancel !== undefined && answer.forced !== true) {
    if (success) see('cancel', cancel.choices, `${cancel.route} is served`);
    else if (unknownEndpoint(answer)) see('cancel', allBut('cancel', ...cancel.choices), `${cancel.route} is not an endpoint`);
  }
  return seen;
}

/**
 * The dialect one answer speaks, as far as it shows: at each point it shows, the default's choice when
 * compatible, else its first compatible one; elsewhere (and where it agrees with no choice) the default's,
 * so that validating against it names what is wrong. The client and the suite judge answers by it.
 */
export function dialectOfAnswer(answer: ObservedAnswer, base: Dialect = defaultDialect): Dialect {
  const observations = observeAnswer(answer);
  if (observations.length === 0) return base;
  const choices: Record<string, string> = { ...base.choices };
  for (const { point, compatible } of observations) {
    if (compatible.length > 0 && !compatible.includes(choices[point] as string)) choices[point] = compatible[0] as string;
  }
  return dialectFrom(choices as DialectChoices, base.name);
}

/** What many observations say about one point. */
export interface PointFinding {
  point: DialectPoint;
  /** The choice the observations agree on most (the closest named dialect's on a tie, or where none showed it). */
  choice: string;
  observed: boolean;
  /** The observations that agree with no other: some answers fit one choice, some another (a target mixing dialects). */
  conflicting: boolean;
  note?: string;
}

export interface InferredDialect {
  /** As `--dialect` takes it: `docs`, or `docs,fast-poll=none`. */
  name: string;
  choices: DialectChoices;
  points: PointFinding[];
}

/** How `inferDialect` words its notes: the suite speaks of answers, `calibrate` of a recording. */
export interface FindingWords {
  /** `disagree` of `total` observations fit another choice than the most agreed one. */
  disagree(disagree: number, total: number): string;
  /** The observations allow several choices; the closest named dialect's was taken. */
  allows(choices: readonly string[], closest: string): string;
  /** Nothing showed the point. */
  notObserved(closest: string): string;
  /** What was seen fits no choice of the sources. */
  fitsNone: string;
}

const answerWords: FindingWords = {
  disagree: () => 'the answers disagree with each other here',
  allows: (choices, closest) => `the answers allow ${choices.join(' or ')}; ${closest}'s choice`,
  notObserved: (closest) => `not observed: ${closest}'s choice`,
  fitsNone: 'what was seen fits no choice of the sources',
};

/**
 * The dialect many observations show. At each point the choices most observations are compatible
 * with stay in the running; the named dialect that agrees with the most observed points settles a tie
 * and the points nothing showed (ties among named dialects go to the default, `union`), and names the
 * result (`dialectFrom`). So a run that saw every point a dialect makes observable names it exactly.
 */
export function inferDialect(observations: readonly DialectObservation[], words: FindingWords = answerWords): InferredDialect {
  const allowed = new Map<DialectPoint, Set<string>>();
  const disagreeing = new Map<DialectPoint, string>();
  for (const { id, choices } of dialectPoints) {
    const mine = observations.filter((o) => o.point === id);
    if (mine.length === 0) continue;
    const votes = new Map<string, number>(choices.map((c) => [c.id, 0]));
    for (const o of mine) for (const c of o.compatible) votes.set(c, (votes.get(c) ?? 0) + 1);
    const top = Math.max(...votes.values());
    if (top < mine.length) disagreeing.set(id, words.disagree(mine.length - top, mine.length));
    if (top > 0) allowed.set(id, new Set([...votes].filter(([, n]) => n === top).map(([c]) => c)));
  }
  const fits = (d: Dialect): number => [...allowed].filter(([point, set]) => set.has(d.choices[point])).length;
  let closest = defaultDialect;
  for (const d of Object.values(namedDialects)) if (fits(d) > fits(closest)) closest = d;
  const choices: Record<string, string> = {};
  const points = dialectPoints.map(({ id, choices: options }): PointFinding => {
    const set = allowed.get(id);
    const theirs = closest.choices[id] as string;
    const observed = observations.some((o) => o.point === id);
    const conflicting = disagreeing.has(id);
    if (set === undefined) {
      choices[id] = theirs;
      return { point: id, choice: theirs, observed, conflicting, note: observed ? words.fitsNone : words.notObserved(closest.name) };
    }
    const choice = set.has(theirs) ? theirs : (options.find((o) => set.has(o.id))?.id ?? theirs);
    choices[id] = choice;
    const notes = [disagreeing.get(id), set.size > 1 ? words.allows([...set], closest.name) : undefined].filter((n): n is string => n !== undefined);
    return { point: id, choice, observed: true, conflicting, ...(notes.length > 0 ? { note: notes.join('; ') } : {}) };
  });
  const dialect = dialectFrom(choices as DialectChoices, closest.name);
  return { name: dialect.name, choices: dialect.choices, points };
}
