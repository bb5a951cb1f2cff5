import type { Core } from './core.js';
import type { SimRequest } from './exchange.js';
import { randomAt } from './random.js';
import type { Admission } from './store.js';

/** One request as the rules see it: where it goes, when it came, whose key it carries. */
export interface RequestContext {
  readonly core: Core;
  readonly request: SimRequest;
  readonly nowMs: number;
  /** `performance.now()` when the core took the request (for the journal's duration). */
  readonly startedPerfMs: number;
  readonly requestId: string;
  readonly pathname: string;
  readonly query: URLSearchParams;
  /** Upper case; HEAD is kept (the media route answers it without a body). */
  readonly method: string;
  /** Fingerprint of the request's API key, once authenticated. */
  key: string | null;
  /** What the store counted for the key's request, once admitted. */
  admission: Admission | null;
}

/** Where the answer's URLs point: the configured public origin, or the one the request came to. */
export const originOf = (ctx: RequestContext): string => ctx.core.config.publicBaseUrl ?? ctx.request.origin;

/**
 * A number in [0, 1) for one decision of this request (`what`: 'outcome', 'fault', ...): a pure
 * function of the seed, the key and its decision number, so that a run replays from its seed and
 * one key's outcomes never shift because another key sent a request in between.
 */
export function drawOf(ctx: RequestContext): ((what: string) => number) | null {
  const { key } = ctx;
  const seq = ctx.admission?.seq;
  if (key === null || seq === undefined) return null;
  const seed = ctx.core.config.seed;
  return (what) => randomAt(seed, key, seq, what);
}
