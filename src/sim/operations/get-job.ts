import { isTerminalStatus } from '../../contract/job-status.js';
import { settleRefunds } from '../accounts.js';
import { answer, errorAnswer, jsonAnswer } from '../answers.js';
import type { Core } from '../core.js';
import { fastPollIntervalMs } from '../dialect-rules.js';
import { jobView } from '../job-view.js';
import { phaseOf } from '../lifecycle.js';
import { originOf, type RequestContext } from '../request-context.js';
import type { JobRecord } from '../store.js';
import { shorten, type OperationHandler } from './operation-handler.js';

/** The job if it exists and has not expired (`named`: the job the request's path names, read already). */
export async function liveJob(core: Core, id: string, nowMs: number, named: RequestContext['namedJob'] = null): Promise<JobRecord | null> {
  const job = named !== null && named.id === id ? named.job : await core.store.getJob(id);
  if (job === null || job.createdMs + core.config.jobTtlMs <= nowMs) return null;
  return job;
}

/** The request's key's job, or null: another key's job is as unknown as a job that never was (ids must not leak across keys). */
export async function ownJob(ctx: RequestContext, id: string): Promise<JobRecord | null> {
  const found = await liveJob(ctx.core, id, ctx.nowMs, ctx.namedJob);
  return found === null || found.key !== ctx.key ? null : found;
}

export const jobNotFound = (id: string) => errorAnswer(404, { vars: { what: `Job '${shorten(id)}'` }, code: 'job_not_found', param: 'id' });

/**
 * `GET /v1/jobs/{id}`: the job as it stands now; in steps timing each answered poll moves it one
 * status on. Where the dialect throttles polls (fast-poll 304), a poll sooner than the interval after
 * the last answered one gets 304 and no body, and counts for nothing: neither a step nor a new interval.
 */
export const getJob: OperationHandler = async (ctx, pathParams) => {
  const { core, nowMs } = ctx;
  const { dialect } = core.config;
  // No parameter check: an id the spec's JobId schema rejects names no job, and the lookup's 404 says
  // so (getJob documents no 400).
  const id = pathParams['id'] ?? '';
  const found = await ownJob(ctx, id);
  if (found === null) return jobNotFound(id);
  let job = found;
  const before = phaseOf(found, nowMs).status;
  const step = found.timing === 'steps' && !isTerminalStatus(before);
  const interval = fastPollIntervalMs(dialect);
  if (step || interval !== null) {
    const polled = await core.store.recordPoll(id, nowMs, step, interval);
    if (polled === null) return jobNotFound(id);
    await settleRefunds(core, found.key, nowMs, ctx.admission?.refundsPending);
    if (polled.throttled) return answer(304, { kind: 'none' }, {});
    job = polled.job;
    // This poll's own step, from its count less one: another process sharing the store may poll the
    // job meanwhile, so neither the record read before nor the one after the patch is this poll's.
    if (step && phaseOf({ ...job, polls: job.polls - 1 }, nowMs).status !== phaseOf(job, nowMs).status) {
      // Not the record the patch answers: other polls may have counted since this one.
      await core.store.patchJob(id, { stepUpdatedMs: nowMs });
      job = { ...job, stepUpdatedMs: nowMs };
    }
  } else {
    await settleRefunds(core, found.key, nowMs, ctx.admission?.refundsPending);
  }
  return jsonAnswer(200, jobView(job, nowMs, originOf(ctx), dialect));
};
