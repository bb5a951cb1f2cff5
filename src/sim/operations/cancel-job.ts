import { settleRefunds } from '../accounts.js';
import { jsonAnswer } from '../answers.js';
import { jobView } from '../job-view.js';
import { originOf } from '../request-context.js';
import { jobNotFound, ownJob } from './get-job.js';
import type { OperationHandler } from './operation-handler.js';

/**
 * `DELETE /v1/jobs/{id}` (the Node SDK) and `POST /v1/jobs/{id}/cancel` (the docs pages), where the
 * dialect serves them: a queued or processing job ends `cancelled` and its cost comes back in full; a
 * job that has ended is answered as it ended (docs/decisions/018-cancel.md). Deciding and marking are
 * one store operation, so a cancel racing a poll that ends the job, or another cancel, never both win.
 */
export const cancelJob: OperationHandler = async (ctx, pathParams) => {
  const { core, nowMs } = ctx;
  const id = pathParams['id'] ?? '';
  const found = await ownJob(ctx, id);
  if (found === null) return jobNotFound(id);
  const outcome = await core.store.cancelJob(id, nowMs);
  if (outcome === null) return jobNotFound(id);
  // The refund is the store's once-only `refundJob`; settling covers this job and any other now due.
  await settleRefunds(core, found.key, nowMs);
  return jsonAnswer(200, jobView(outcome.job, nowMs, originOf(ctx), core.config.dialect));
};
