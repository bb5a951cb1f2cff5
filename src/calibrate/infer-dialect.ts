import type { DialectChoices, DialectPoint } from '../contract/dialects.js';
import { inferDialect as inferObserved, observeAnswer, type FindingWords } from '../contract/dialect-evidence.js';
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

const recordingWords: FindingWords = {
  disagree: (disagree, total) => `the recording disagrees with itself here: ${disagree} of ${total} observations fit another choice`,
  allows: (choices, closest) => `the recording allows ${choices.join(' or ')}; ${closest}'s choice`,
  notObserved: (closest) => `${closest}'s choice`,
  fitsNone: 'what was recorded fits no choice of the sources',
};

/**
 * The dialect a recording shows, found as the suite finds a target's (`inferDialect` of the
 * contract), with the entries that showed each point as its evidence.
 */
export function inferDialect(exchanges: readonly HarExchange[]): InferredDialect {
  const observations = observe(exchanges);
  const found = inferObserved(
    observations.map((o) => ({ point: o.point, compatible: o.compatible, shows: o.evidence.shows })),
    recordingWords,
  );
  const points = found.points.map(({ conflicting: _conflicting, ...finding }): PointFinding => ({
    ...finding,
    evidence: observations.filter((o) => o.point === finding.point).slice(0, MAX_EVIDENCE).map((o) => o.evidence),
  }));
  return { name: found.name, choices: found.choices, points };
}
