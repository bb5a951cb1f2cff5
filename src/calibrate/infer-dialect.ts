import { defaultDialect, dialectFrom, dialectPoints, namedDialects, type Dialect, type DialectChoices, type DialectPoint } from '../contract/dialects.js';
import { observeAnswer } from '../contract/dialect-evidence.js';
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

/** Polls of one job closer than this may be answered 304 by a gateway that follows the docs. */
export const FAST_POLL_MS = 3000;
const MAX_EVIDENCE = 3;

/** Each observation names the choices it is compatible with. */
interface Observation {
  point: DialectPoint;
  compatible: readonly string[];
  evidence: Evidence;
}

/**
 * What each exchange shows, read by the same observer as the contract suite and the client
 * (`observeAnswer`), with the entry it came from as evidence. The recording adds what one answer
 * cannot know: whether a poll came within the fast-poll interval of the last answered poll of its job.
 */
function observe(exchanges: readonly HarExchange[]): Observation[] {
  const observations: Observation[] = [];
  const lastPoll = new Map<string, number>();
  for (const e of exchanges) {
    if (e.proxyError) continue;
    const previous = e.operationId === 'getJob' && e.jobId !== null ? lastPoll.get(e.jobId) : undefined;
    const gapMs = previous === undefined ? null : e.startedMs - previous;
    const seen = observeAnswer({
      operationId: e.operationId,
      status: e.status,
      headers: e.responseHeaders,
      body: e.responseBody,
      forced: e.forcedStatus !== null,
      soonAfterAnsweredPoll: gapMs !== null && gapMs < FAST_POLL_MS,
    });
    for (const { point, compatible, shows } of seen) {
      const detail = point === 'fast-poll' && gapMs !== null && e.status === 200 ? `a poll ${Math.round(gapMs)} ms after the last answered one answered 200` : shows;
      observations.push({ point, compatible, evidence: { entry: e.index, request: describeExchange(e), shows: detail } });
    }
    // The interval runs from the last poll that answered the job: a 304 does not restart it (docs/dialects.md).
    if (e.operationId === 'getJob' && e.jobId !== null && e.forcedStatus === null && e.status === 200) lastPoll.set(e.jobId, e.startedMs);
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
