import fc from 'fast-check';
import type { SchemaJob, SchemaVideoGenerationRequest } from '../../generated/api.js';
import { resultUrlOf } from '../../client/job-fields.js';
import { jobErrorCodeValues } from '../../generated/api.js';
import { defaultModel, validRequest } from '../arbitraries.js';
import { memoized, type CheckContext } from '../check.js';
import { send, type Exchange } from '../exchange.js';
import { advanceClock, bodyObject, cheapestRequest, getJob, isTerminalStatus, sendCreate, targetNowMs, waitForEnd } from '../jobs.js';
import type { Target } from '../target.js';

/** A job to follow: what to ask for and, on the mock, how it should end (`Prefer: outcome=...`). */
export interface JobPlan {
  request: SchemaVideoGenerationRequest;
  /** null: leave the outcome to the target (the live gateway). */
  outcome: 'completed' | 'failed' | null;
  failure: string | null;
}

/** Everything seen of one job, from its create to a few polls after it ended, and its download. */
export interface JobTrace {
  plan: JobPlan;
  create: Exchange;
  id: string | null;
  polls: Exchange[];
  ended: boolean;
  /** Polls after the job ended (time moved on in between). */
  after: Exchange[];
  download: Exchange | null;
  /** The target's clock (unix ms) before the create and after the last poll. */
  nowBefore: number;
  nowAfter: number;
  /** Read from a recording: parts that would need a new request (a download) are not judged. */
  offline?: boolean;
}

/**
 * Plans: any valid request; on the mock, half of them forced to fail. Every job check draws from
 * this one arbitrary, so with one seed they all judge the same jobs.
 */
export function jobPlans(target: Target): fc.Arbitrary<JobPlan> {
  const outcome: fc.Arbitrary<JobPlan['outcome']> = target.isMock ? fc.constantFrom('completed' as const, 'failed' as const) : fc.constant(null);
  return fc.record({
    request: validRequest(target),
    outcome,
    failure: target.isMock ? fc.option(fc.constantFrom(...jobErrorCodeValues), { nil: null }) : fc.constant(null),
  });
}

/** On the mock, one job of each ending is always followed, however few the runs (elsewhere runs cost money). */
export function planExamples(target: Target): JobPlan[] {
  if (!target.isMock) return [];
  const request = cheapestRequest(defaultModel);
  return [
    { request, outcome: 'completed', failure: null },
    { request, outcome: 'failed', failure: null },
  ];
}

const AFTER_END_POLLS = 2;
const AFTER_END_ADVANCE_MS = 60_000;
const AFTER_END_WAIT_MS = 3000;

async function followJob(ctx: CheckContext, plan: JobPlan, key: string): Promise<JobTrace> {
  const prefer = [plan.outcome === null ? null : `outcome=${plan.outcome}`, plan.outcome === 'failed' && plan.failure !== null ? `failure=${plan.failure}` : null]
    .filter((p) => p !== null)
    .join(', ');
  const nowBefore = await targetNowMs(ctx, null);
  const create = await sendCreate(ctx, key, plan.request, prefer === '' ? {} : { prefer });
  const created = bodyObject(create);
  const status = create.response?.status ?? 0;
  const id = status >= 200 && status < 300 && typeof created?.['id'] === 'string' ? created['id'] : null;
  const trace: JobTrace = { plan, create, id, polls: [], ended: false, after: [], download: null, nowBefore, nowAfter: nowBefore };
  if (id === null) return trace;
  const waited = await waitForEnd(ctx, key, id);
  trace.polls = waited.polls;
  trace.ended = waited.ended;
  if (waited.ended) {
    for (let i = 0; i < AFTER_END_POLLS; i++) {
      // Past any fast-poll interval (3 s on a gateway that throttles polls), so each poll answers the job.
      if (ctx.target.isMock) await advanceClock(ctx, AFTER_END_ADVANCE_MS);
      else await ctx.target.sleep(AFTER_END_WAIT_MS);
      trace.after.push(await getJob(ctx, key, id));
    }
    const url = waited.last === null ? null : resultUrlOf(waited.last as unknown as SchemaJob);
    if (waited.last?.['status'] === 'completed' && typeof url === 'string' && /^https?:\/\//.test(url)) {
      trace.download = await send(ctx.target, { method: 'GET', path: url, headers: { range: 'bytes=0-99', accept: 'video/mp4, application/json' }, operationId: 'downloadJobMedia', followRedirects: true });
    }
  }
  trace.nowAfter = await targetNowMs(ctx, trace.polls.at(-1) ?? create);
  return trace;
}

/** Follows the plan's job; a plan already followed (by another check) is not followed, or paid for, twice. */
export function traceOf(ctx: CheckContext, plan: JobPlan, scope: string): Promise<JobTrace> {
  return memoized(ctx, `trace:${JSON.stringify(plan)}`, () => followJob(ctx, plan, ctx.target.keyFor(scope)));
}

/** Every job body the trace saw, in order, with its exchange. */
export function jobBodies(trace: JobTrace): { exchange: Exchange; job: Record<string, unknown> }[] {
  const out: { exchange: Exchange; job: Record<string, unknown> }[] = [];
  for (const exchange of [trace.create, ...trace.polls, ...trace.after]) {
    const job = bodyObject(exchange);
    const status = exchange.response?.status ?? 0;
    if (job !== null && status >= 200 && status < 300) out.push({ exchange, job });
  }
  return out;
}

export const lastJob = (trace: JobTrace): { exchange: Exchange; job: Record<string, unknown> } | undefined => {
  const bodies = jobBodies(trace);
  const ended = bodies.filter((b) => isTerminalStatus(b.job['status']));
  return ended[0] ?? bodies.at(-1);
};
