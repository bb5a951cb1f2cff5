import type { SchemaVideoGenerationRequest } from '../generated/api.js';
import { pricePerSecondCents, formatDollars } from './budget.js';
import { durationBounds } from './arbitraries.js';
import { BudgetExhausted, PreconditionFailed, type CheckContext } from './check.js';
import { send, type Exchange } from './exchange.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The body of a response as an object, or null. */
export const bodyObject = (exchange: Exchange): Record<string, unknown> | null =>
  isObject(exchange.response?.body) ? (exchange.response?.body as Record<string, unknown>) : null;

import { isTerminalStatus } from '../contract/job-status.js';

export { isTerminalStatus, statusRank } from '../contract/job-status.js';

/** What one create costs on a charging target, in cents. */
export const costOf = (request: { model?: unknown; duration?: unknown }): number => {
  const duration = typeof request.duration === 'number' && request.duration > 0 ? Math.ceil(request.duration) : durationBounds.default;
  return duration * pricePerSecondCents(typeof request.model === 'string' ? request.model : '');
};

/** What a 402 means when nobody asked for one: the key's wallet is empty, so nothing can be judged. */
export function walletEmpty(exchange: Exchange): PreconditionFailed {
  const body = bodyObject(exchange);
  const error = isObject(body?.['error']) ? body['error'] : {};
  const said = typeof error['message'] === 'string' ? `: ${error['message']}` : '';
  return new PreconditionFailed(`the wallet is empty; nothing was judged (${exchange.request.method} ${new URL(exchange.request.url).pathname} answered 402 ${String(error['type'] ?? '')}${said}). Top up the key's wallet and run again.`, 'wallet-empty');
}

/**
 * Sends a create, within the budget: the cost is reserved before the request leaves and given back
 * when the target refuses it (a refused create is not charged). A 402 nobody asked for (by
 * `expectedStatus`, `Prefer: code=402` or `?__code=402`) is not a contract failure but an empty
 * wallet: it throws PreconditionFailed and the run stops.
 */
export async function sendCreate(
  ctx: CheckContext,
  key: string | null,
  body: unknown,
  headers: Record<string, string> = {},
  path = '/v1/videos/generations',
  expectedStatus: number | null = null,
): Promise<Exchange> {
  const cents = ctx.target.costFree ? 0 : costOf(isObject(body) ? body : {});
  if (!ctx.target.budget.reserve(cents)) {
    throw new BudgetExhausted(
      `max spend reached: another create (${formatDollars(cents)}) would pass ${formatDollars(ctx.target.budget.maxSpendCents)} (spent ${formatDollars(ctx.target.budget.spentCents)})`,
    );
  }
  const exchange = await send(ctx.target, { method: 'POST', path, key, json: body, headers, operationId: 'createVideo', expectRateLimit: headers['prefer']?.includes('code=429') === true });
  const status = exchange.response?.status ?? 0;
  if (exchange.response !== null && !(status >= 200 && status < 300)) ctx.target.budget.release(cents);
  ctx.drift.observeExchange(exchange);
  const asked402 = expectedStatus === 402 || /code\s*=\s*402/.test(headers['prefer'] ?? '') || path.includes('__code=402');
  if (status === 402 && !asked402 && key !== null) throw walletEmpty(exchange);
  return exchange;
}

/** Polls a job; `soon`: sent right after a poll that answered it (the fast-poll probe: a 304, or the job, tells the dialect). */
export async function getJob(ctx: CheckContext, key: string | null, id: string, headers: Record<string, string> = {}, soon = false): Promise<Exchange> {
  const exchange = await send(ctx.target, { method: 'GET', path: `/v1/jobs/${encodeURIComponent(id)}`, key, headers, operationId: 'getJob' });
  ctx.drift.observeExchange(exchange, { soonAfterAnsweredPoll: soon });
  return exchange;
}

/** A cancel by one of the two routes the sources name (`deleteJob`: the Node SDK's, `cancelJob`: the docs pages'). */
export async function cancelJob(ctx: CheckContext, key: string | null, id: string, route: 'deleteJob' | 'cancelJob'): Promise<Exchange> {
  const path = `/v1/jobs/${encodeURIComponent(id)}${route === 'cancelJob' ? '/cancel' : ''}`;
  const exchange = await send(ctx.target, { method: route === 'cancelJob' ? 'POST' : 'DELETE', path, key, operationId: route });
  ctx.drift.observeExchange(exchange);
  return exchange;
}

/** Moves the mock's clock (jobs progress as if the time had passed). */
export async function advanceClock(ctx: CheckContext, ms: number): Promise<void> {
  await send(ctx.target, { method: 'POST', path: '/__mock/clock', json: { advance_ms: ms } });
}

/** The target's idea of now, in unix ms: the mock's clock, else the response's Date, else ours. */
export async function targetNowMs(ctx: CheckContext, exchange: Exchange | null): Promise<number> {
  if (ctx.target.isMock) {
    const clock = await send(ctx.target, { method: 'GET', path: '/__mock/clock' });
    const now = bodyObject(clock)?.['now'];
    if (typeof now === 'number') return now;
  }
  const date = Date.parse(exchange?.response?.headers['date'] ?? '');
  return Number.isFinite(date) ? date : Date.now();
}

export interface WaitResult {
  polls: Exchange[];
  /** The last job a poll answered, or null when a poll answered neither the job nor 304. */
  last: Record<string, unknown> | null;
  ended: boolean;
}

/** Steps the mock's clock by this much between polls: small enough to see `processing`. */
const MOCK_STEP_MS = 2000;
/**
 * Polls at that step before the step grows as the live schedule's does (x1.5 up to 30 s): a mock
 * with the default timings ends every job well within them, a mock playing a slower gateway
 * (`serve --profile` of one whose jobs take minutes) still ends its jobs, within the target's poll
 * budget of mock time.
 */
const MOCK_STEADY_POLLS = 60;

/**
 * Polls a job until it ends. On a mock "waiting" is advancing its clock (and, in steps timing, the
 * poll itself): 2 s steps, growing after 60 of them; elsewhere it is real waiting, 2 s then x1.5 up
 * to 30 s (the gateway SDK's schedule). Either is held within the target's poll budget.
 */
export async function waitForEnd(
  ctx: CheckContext,
  key: string,
  id: string,
  onPoll: (exchange: Exchange) => void = () => undefined,
): Promise<WaitResult> {
  const polls: Exchange[] = [];
  let waited = 0;
  let delay = 2000;
  let last: Record<string, unknown> | null = null;
  for (let i = 0; ; i++) {
    const exchange = await getJob(ctx, key, id);
    polls.push(exchange);
    onPoll(exchange);
    // A 304 (a gateway that throttles polls, as the docs pages say) is the job as last seen.
    const notModified = exchange.response?.status === 304;
    const job: Record<string, unknown> | null = exchange.response?.status === 200 ? bodyObject(exchange) : notModified ? last : null;
    if (job === null && !notModified) return { polls, last: null, ended: false };
    last = job;
    if (job !== null && isTerminalStatus(job['status'])) return { polls, last: job, ended: true };
    if (ctx.target.isMock) {
      const step = i < MOCK_STEADY_POLLS ? MOCK_STEP_MS : Math.min(30_000, MOCK_STEP_MS * 1.5 ** (i - MOCK_STEADY_POLLS + 1));
      if (waited + step > Math.max(ctx.target.pollBudgetMs, MOCK_STEP_MS * MOCK_STEADY_POLLS)) return { polls, last, ended: false };
      await advanceClock(ctx, Math.round(step));
      waited += step;
    } else {
      if (waited + delay > ctx.target.pollBudgetMs) return { polls, last, ended: false };
      await ctx.target.sleep(delay);
      waited += delay;
      delay = Math.min(30_000, delay * 1.5);
    }
  }
}

/** The smallest valid create: the shortest duration (what a live run pays for). */
export const cheapestRequest = (model: string, prompt = 'a slow drone shot over a mountain lake'): SchemaVideoGenerationRequest => ({
  model,
  prompt,
  duration: durationBounds.min,
});
