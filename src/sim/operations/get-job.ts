import { isTerminalStatus } from '../../contract/job-status.js';
import { settleRefunds } from '../accounts.js';
import { errorAnswer, jsonAnswer } from '../answers.js';
import type { Core } from '../core.js';
import { jobView } from '../job-view.js';
import { phaseOf } from '../lifecycle.js';
import { originOf } from '../request-context.js';
import type { JobRecord } from '../store.js';
import { shorten, type OperationHandler } from './operation-handler.js';

/** The job if it exists and has not expired. */
export async function liveJob(core: Core, id: string, nowMs: number): Promise<JobRecord | null> {
  const job = await core.store.getJob(id);
  if (job === null || job.createdMs + core.config.jobTtlMs <= nowMs) return null;
  return job;
}

/** `GET /v1/jobs/{id}`: the job as it stands now; in steps timing each poll moves it one status on. */
export const getJob: OperationHandler = async (ctx, pathParams) => {
  const { core, nowMs } = ctx;
  // No parameter check: an id the spec's JobId schema rejects names no job, and the lookup's 404 says
  // so (getJob documents no 400).
  const id = pathParams['id'] ?? '';
  const found = await liveJob(core, id, nowMs);
  // Another key's job is as unknown as a job that never was: ids must not leak across keys.
  if (found === null || found.key !== ctx.key) {
    return errorAnswer(404, { vars: { what: `Job '${shorten(id)}'` }, code: 'job_not_found', param: 'id' });
  }
  let job = found;
  const before = phaseOf(found, nowMs).status;
  if (found.timing === 'steps' && !isTerminalStatus(before)) {
    const recorded = (await core.store.recordPoll(id, nowMs, true))?.job;
    if (recorded !== undefined) {
      job = recorded;
      // This poll's own step, from its count less one: another process sharing the store may poll the
      // job meanwhile, so neither the record read before nor the one after the patch is this poll's.
      if (phaseOf({ ...recorded, polls: recorded.polls - 1 }, nowMs).status !== phaseOf(recorded, nowMs).status) {
        await core.store.patchJob(id, { stepUpdatedMs: nowMs });
        job = { ...recorded, stepUpdatedMs: nowMs };
      }
    }
  }
  await settleRefunds(core, found.key, nowMs, ctx.admission?.refundsPending);
  return jsonAnswer(200, jobView(job, nowMs, originOf(ctx)));
};
