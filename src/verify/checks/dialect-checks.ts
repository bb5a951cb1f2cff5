import fc from 'fast-check';
import { cancelledErrorCode } from '../../contract/job-status.js';
import type { DialectPoint } from '../../contract/dialects.js';
import { defaultModel } from '../arbitraries.js';
import { expectThat, responseOf, runProperty, type Check, type CheckContext } from '../check.js';
import type { DriftRow } from '../drift.js';
import { send, type Exchange } from '../exchange.js';
import { advanceClock, bodyObject, cancelJob, cheapestRequest, getJob, isTerminalStatus, sendCreate } from '../jobs.js';
import { judgingDialect } from '../judge-dialect.js';
import { jobPlans, planExamples, traceOf } from './job-trace.js';

/** Past the docs pages' fast-poll interval (3 s), so the next poll answers the job. */
const PAST_FAST_POLL_MS = 3000;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Whether an answer to a cancel route says the route does not exist, rather than the job. */
function unknownRoute(exchange: Exchange): boolean {
  const response = responseOf(exchange);
  const error = isObject(response.body) && isObject(response.body['error']) ? response.body['error'] : null;
  // On a job just created (it exists), a 404 can only mean the route is missing.
  return response.status === 404 || response.status === 405 || error?.['code'] === 'unknown_endpoint';
}

/** A job that was cancelled, in either of the sources' ways: `cancelled`, or `failed` with error code `cancelled`. */
const readsCancelled = (job: Record<string, unknown>): boolean =>
  job['status'] === 'cancelled' || (job['status'] === 'failed' && (isObject(job['error']) ? job['error']['code'] === cancelledErrorCode : typeof job['error'] === 'string'));

async function balanceOf(ctx: CheckContext, key: string): Promise<number | null> {
  const wallet = bodyObject(await send(ctx.target, { method: 'GET', path: '/__mock/wallet', key }));
  return typeof wallet?.['balance_cents'] === 'number' ? wallet['balance_cents'] : null;
}

/**
 * Creates one job and, right away, polls it twice (the second poll shows whether the target throttles
 * polls, the docs pages' 304), then cancels it by each route the sources name. Each route is served or
 * not (an unknown endpoint: the job exists, so a 404 can only mean the route); a served one ends the job
 * cancelled (or answers it as it ended), the other route and later polls keep it so, and on the mock
 * the cost comes back. What the target does is observed for the drift summary at the same time.
 */
export const cancelEndsTheJob: Check = {
  name: 'cancel_ends_the_job',
  sentence: 'cancels a job by each route it serves, ending it cancelled for good and refunded; answers 304 only to a poll within 3 s of the last',
  group: 'async-job',
  needsState: true,
  needsMock: false,
  createsPerRun: 1,
  run: (ctx) =>
    runProperty(ctx, fc.constant(null), async () => {
      const key = ctx.target.keyFor('cancel_ends_the_job');
      const before = ctx.target.isMock ? await balanceOf(ctx, key) : null;
      const create = await sendCreate(ctx, key, cheapestRequest(defaultModel));
      const created = bodyObject(create);
      const status = responseOf(create).status;
      expectThat(status >= 200 && status < 300 && typeof created?.['id'] === 'string', `a valid create answered ${status} without a job id`, create);
      const id = created['id'];

      const first = await getJob(ctx, key, id);
      const answered = responseOf(first).status === 200;
      expectThat(answered || responseOf(first).status === 304, `polling the new job ${id} answered ${responseOf(first).status}`, first);
      const soon = await getJob(ctx, key, id, {}, answered);
      const soonStatus = responseOf(soon).status;
      expectThat(soonStatus === 200 || soonStatus === 304, `a poll right after another answered ${soonStatus}, not the job or 304`, soon);
      if (soonStatus === 304) {
        expectThat(judgingDialect(ctx.target, soon).choices['fast-poll'] === '304', 'answered 304 though the target does not throttle polls', soon);
        expectThat(soon.response?.body === undefined, 'a 304 with a body', soon);
      }

      let ending: string | null = null;
      for (const route of ['deleteJob', 'cancelJob'] as const) {
        const cancel = await cancelJob(ctx, key, id, route);
        const answer = responseOf(cancel);
        if (answer.status >= 200 && answer.status < 300) {
          const job = bodyObject(cancel);
          expectThat(job !== null && job['id'] === id, `cancelling ${id} answered ${JSON.stringify(answer.body)}, not the job`, cancel);
          expectThat(isTerminalStatus(job['status']), `a cancelled job reads ${JSON.stringify(job['status'])}, which has not ended`, cancel);
          const shown = JSON.stringify({ status: job['status'], error: job['error'], result: job['result'] });
          if (ending !== null) expectThat(shown === ending, `a second cancel changed the job: was ${ending}, now ${shown}`, cancel);
          ending = shown;
        } else {
          expectThat(unknownRoute(cancel), `cancelling the job ${id} answered ${answer.status}: neither the job nor an unknown route`, cancel);
        }
      }
      if (ending === null) return;

      if (ctx.target.isMock) await advanceClock(ctx, 60_000);
      else await ctx.target.sleep(PAST_FAST_POLL_MS);
      const later = await getJob(ctx, key, id);
      const job = bodyObject(later);
      expectThat(responseOf(later).status === 200 && job !== null, `polling the cancelled job answered ${responseOf(later).status}`, later);
      const shown = JSON.stringify({ status: job['status'], error: job['error'], result: job['result'] });
      expectThat(shown === ending, `the cancelled job changed on a later poll: was ${ending}, now ${shown}`, later);
      if (ctx.target.isMock && readsCancelled(job) && before !== null) {
        const after = await balanceOf(ctx, key);
        expectThat(after === before, `the wallet held ${before} cents before the job and ${String(after)} after its cancel: a cancelled job must cost nothing`, later);
      }
    }),
};

/** The observations of a point that exclude a choice. */
const against = (row: DriftRow, choice: string) => row.observed.filter((o) => !o.choices.includes(choice));

/**
 * Every answer of the run so far, point by point, must agree on one choice; a target that promises a
 * dialect (a mock, or `verify --dialect`) must keep to it at every point an answer shows. It follows the
 * same jobs as the job checks (one of each ending on the mock), so it judges something even alone.
 */
export const speaksOneDialect: Check = {
  name: 'speaks_one_dialect',
  sentence: 'answers in one dialect: at each point where the sources disagree, every answer agrees (and keeps to the dialect a mock declares)',
  group: 'async-job',
  needsState: true,
  needsMock: false,
  createsPerRun: 1,
  run: (ctx) =>
    runProperty(
      ctx,
      jobPlans(ctx.target),
      async (plan) => {
        await traceOf(ctx, plan, 'speaks_one_dialect');
        const declared = ctx.target.dialect;
        for (const row of ctx.drift.rows()) {
          if (row.id === 'remix-source' || row.observed.length === 0) continue;
          const point = row.id as DialectPoint;
          const shared = row.observed.reduce<readonly string[] | null>((common, o) => (common === null ? o.choices : common.filter((c) => o.choices.includes(c))), null) ?? [];
          const shows = row.observed.map((o) => `${o.variant} (${o.evidence})`).join('; ');
          expectThat(shared.length > 0, `${point}: the answers disagree: ${shows}`, null);
          if (declared !== null) {
            const choice = declared.choices[point];
            const off = against(row, choice);
            expectThat(off.length === 0, `${point}: the target declares the dialect ${declared.name} (${point}=${choice}), but answered ${off.map((o) => `${o.variant} (${o.evidence})`).join('; ')}`, null);
          }
        }
      },
      { examples: planExamples(ctx.target) },
    ),
};
