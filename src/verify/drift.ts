import { inferDialect, observeAnswer, type DialectObservation, type InferredDialect } from '../contract/dialect-evidence.js';
import { dialectPoints, type DialectPoint } from '../contract/dialects.js';
import type { Exchange } from './exchange.js';

/**
 * The points where the gateway's public sources disagree (shared/reference/aigateway-sources.md,
 * "Where they disagree"): the spec's x-dialects points, plus the remix's source video, which is a
 * request field and no dialect's choice. The suite observes which variant a target follows; it never
 * assumes one.
 */
export const DRIFT_POINTS: ReadonlyArray<{ id: DriftPointId; point: string }> = [
  ...dialectPoints.map((p) => ({ id: p.id as DriftPointId, point: p.summary })),
  { id: 'remix-source', point: 'Which source video field a remix accepts.' },
];

export type DriftPointId = DialectPoint | 'remix-source';

/** One thing seen, the choices it fits and their sources. */
export interface DriftObservation {
  variant: string;
  /** The point's choices it fits (empty: none of the sources describes it). */
  choices: readonly string[];
  sources: string;
  evidence: string;
}

export interface DriftRow {
  id: DriftPointId;
  point: string;
  /** What the target did, one entry per distinct thing seen; empty when nothing showed it. */
  observed: DriftObservation[];
  /** The choice the run settled on (null for the remix source, no dialect point). */
  choice: string | null;
  /** `observed` summed up: the choice and its sources, or why it is not settled. */
  follows: string;
}

export interface DriftRecorder {
  observe(id: DriftPointId, variant: string, choices: readonly string[], evidence: string): void;
  /** Reads what an exchange shows (create statuses, job fields, error types, cancel routes, 304s). */
  observeExchange(exchange: Exchange, context?: { soonAfterAnsweredPoll?: boolean }): void;
  rows(): DriftRow[];
  /** The dialect the observations show, point by point (named as `--dialect` takes it). */
  dialect(): InferredDialect;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const sourceNames: Readonly<Record<string, string>> = {
  'model-page': 'model page',
  'gateway-openapi': 'published spec',
  'gateway-node-sdk': 'Node SDK',
  'gateway-docs': 'docs pages',
  toolkit: 'toolkit',
};

/** The sources behind some choices of a point: `model page, Node SDK`. */
function sourcesOf(point: DriftPointId, choices: readonly string[]): string {
  const info = dialectPoints.find((p) => p.id === point);
  if (info === undefined || choices.length === 0) return 'no source';
  const names = new Set(choices.flatMap((c) => info.choices.find((x) => x.id === c)?.sources ?? []).map((s) => sourceNames[s] ?? s));
  return [...names].join(', ');
}

/** Whether a request asked for its status (`Prefer: code=`, `?__code=`): its answer says nothing of the target's own choice. */
export const forcedStatus = (exchange: Exchange): boolean => /(?:^|,)\s*code=/.test(exchange.request.headers['prefer'] ?? '') || exchange.request.url.includes('__code=');

export function createDriftRecorder(): DriftRecorder {
  const seen = new Map<DriftPointId, Map<string, DriftObservation>>();
  const observations: DialectObservation[] = [];
  const observe = (id: DriftPointId, variant: string, choices: readonly string[], evidence: string): void => {
    let variants = seen.get(id);
    if (variants === undefined) seen.set(id, (variants = new Map()));
    if (!variants.has(variant)) variants.set(variant, { variant, choices, sources: sourcesOf(id, choices), evidence });
    if (id !== 'remix-source') observations.push({ point: id, compatible: choices, shows: variant });
  };
  const recorder: DriftRecorder = {
    observe,
    observeExchange(exchange, context = {}) {
      const response = exchange.response;
      if (response === null) return;
      const evidence = `${exchange.request.method} ${new URL(exchange.request.url).pathname} -> ${response.status}`;
      const forced = forcedStatus(exchange);
      const found = observeAnswer({
        operationId: exchange.operationId,
        status: response.status,
        headers: response.headers,
        body: response.body,
        forced,
        ...(context.soonAfterAnsweredPoll === true ? { soonAfterAnsweredPoll: true } : {}),
      });
      for (const o of found) observe(o.point, o.shows, o.compatible, evidence);
      const sent = exchange.request.body;
      if (exchange.operationId === 'createVideo' && response.status >= 200 && response.status < 300 && !forced && isObject(sent)) {
        for (const field of ['video_url', 'image_url'] as const) {
          if (typeof sent[field] === 'string') observe('remix-source', `accepts ${field}`, [], evidence);
        }
      }
    },
    dialect: () => inferDialect(observations),
    rows() {
      const inferred = inferDialect(observations);
      return DRIFT_POINTS.map(({ id, point }): DriftRow => {
        const observed = [...(seen.get(id)?.values() ?? [])];
        if (id === 'remix-source') {
          const follows = observed.length === 0 ? 'not observed' : observed.map((o) => `${o.variant} (${sourceOfRemix(o.variant)})`).join('; ');
          return { id, point, observed, choice: null, follows };
        }
        const finding = inferred.points.find((p) => p.point === id);
        const choice = finding?.choice ?? null;
        const follows =
          finding === undefined || !finding.observed
            ? `not observed (${finding?.note ?? 'nothing showed it'})`
            : `${choice ?? ''} (${sourcesOf(id, choice === null ? [] : [choice])})${finding.note === undefined ? '' : `; ${finding.note}`}`;
        return { id, point, observed, choice, follows };
      });
    },
  };
  return recorder;
}

const sourceOfRemix = (variant: string): string => (variant.endsWith('image_url') ? 'Node SDK' : 'toolkit (no source names it)');
