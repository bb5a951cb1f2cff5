import type { Core } from './core.js';
import type { SimRequest } from './exchange.js';
import { randomsAt } from './random.js';
import type { Admission, JobRecord } from './store.js';

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
  /** Fingerprint of the request's API key, once authenticated: what scopes its account. */
  key: string | null;
  /**
   * The coordinate of the key's random draws and job ids, once authenticated (`drawStream`): a
   * function of the key alone, so a run replays from its seed whatever the fingerprint secret.
   * Never shown, never used to tell keys apart.
   */
  drawStream: string | null;
  /** What the store counted for the key's request, once admitted. */
  admission: Admission | null;
  /** The job the path names (`{id}`, `{job_id}`) as the store had it when the request was admitted, or null when the path names none. */
  namedJob: { id: string; job: JobRecord | null } | null;
  /** A preference this request made that was not honoured, and why (a header and the journal say so). */
  preferenceIgnored: string | null;
}

/** Where the answer's URLs point: the configured public origin, or the one the request came to. */
export const originOf = (ctx: RequestContext): string => ctx.core.config.publicBaseUrl ?? ctx.request.origin;

/**
 * A number in [0, 1) for one decision of this request (`what`: 'outcome', 'fault', ...): a pure
 * function of the seed, the key's draw stream and its decision number, so that a run replays from its seed and
 * one key's outcomes never shift because another key sent a request in between.
 */
export function drawOf(ctx: RequestContext): ((what: string) => number) | null {
  const stream = ctx.drawStream;
  const seq = ctx.admission?.seq;
  if (stream === null || seq === undefined) return null;
  return randomsAt(ctx.core.config.seed, stream, seq);
}
