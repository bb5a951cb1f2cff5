import type { SchemaJobErrorCode, SchemaVideoGenerationRequest } from '../../generated/api.js';
import { settleRefunds } from '../accounts.js';
import { errorAnswer, jsonAnswer } from '../answers.js';
import { jobView } from '../job-view.js';
import { parsePrefer } from '../prefer.js';
import { hexAt } from '../random.js';
import { sampleJobTimings } from '../job-timings.js';
import { checkRequest } from '../read-body.js';
import { drawOf, originOf } from '../request-context.js';
import { defaultAspectRatio, defaultDuration, defaultResolution, failureCodes } from '../spec-values.js';
import type { JobRecord } from '../store.js';
import { isVideoModel, jobCostCents } from '../../contract/model-catalog.js';
import type { OperationHandler } from './operation-handler.js';

/** `POST /v1/videos/generations`: checks the request, charges the wallet and keeps the job. */
export const createVideo: OperationHandler = async (ctx) => {
  const { core, nowMs } = ctx;
  const { config, store } = core;
  const key = ctx.key as string;
  const checked = checkRequest('createVideo', ctx.request, {}, config.bodyLimitBytes);
  if (!checked.ok) return checked.response;
  const body = checked.body as SchemaVideoGenerationRequest;
  const model = config.models.find((m) => m.id === body.model && isVideoModel(m));
  if (model === undefined) {
    const videoModels = config.models.filter(isVideoModel);
    return errorAnswer(404, {
      message: `Model '${body.model}' not found. Video models: ${videoModels.map((m) => m.id).join(', ')}.`,
      code: 'model_not_found',
      param: 'model',
    });
  }
  const prefs = parsePrefer(ctx.request.headers['prefer']);
  if (prefs.failure !== undefined && !(failureCodes as readonly string[]).includes(prefs.failure)) {
    return errorAnswer(400, {
      message: `Prefer: failure=${prefs.failure} is not a known failure; known: ${failureCodes.join(', ')}.`,
      code: 'invalid_value',
      param: 'Prefer',
    });
  }
  const draw = drawOf(ctx) as (what: string) => number;
  const outcome = prefs.outcome ?? (draw('outcome') < config.failureRate ? 'failed' : 'completed');
  const failure: SchemaJobErrorCode | null =
    outcome === 'failed'
      ? ((prefs.failure as SchemaJobErrorCode | undefined) ?? (failureCodes[Math.floor(draw('failure') * failureCodes.length)] as SchemaJobErrorCode))
      : null;
  const duration = body.duration ?? defaultDuration;
  const costCents = jobCostCents(model, duration);
  await settleRefunds(core, key, nowMs, ctx.admission?.refundsPending);

  const seq = ctx.admission?.seq ?? 0;
  // From the key's draw stream, not its fingerprint: the same seed gives the same ids whatever the secret.
  const stream = ctx.drawStream as string;
  const idAt = (salt: number): string => `job_${salt === 0 ? hexAt(24, config.seed, stream, seq, 'job') : hexAt(24, config.seed, stream, seq, 'job', salt)}`;
  const steps = config.timing === 'steps';
  const job: JobRecord = {
    id: idAt(0),
    key,
    model: model.id,
    duration,
    aspectRatio: body.aspect_ratio ?? defaultAspectRatio,
    resolution: body.resolution ?? defaultResolution,
    createdMs: nowMs,
    costCents,
    outcome,
    failure,
    timing: config.timing,
    ...(steps ? { queuedMs: 0, processingMs: 0 } : sampleJobTimings(config, duration, draw)),
    processingPolls: steps ? config.steps.processingPolls : 0,
    polls: 0,
    stepUpdatedMs: nowMs,
    lastPollMs: null,
    cancelledMs: null,
    refunded: false,
    webhook: body.webhook_url === undefined ? null : { url: body.webhook_url, origin: originOf(ctx), done: false },
  };
  const limits = { startingCents: config.creditsCents, maxJobs: config.maxJobs, ttlMs: config.jobTtlMs, nowMs };
  // The store refuses an id it holds already (one step with the create): a colliding id is salted
  // and asked again, so the same seed gives the same ids.
  let created = await store.createJob(job, limits);
  for (let salt = 1; !created.ok && created.reason === 'taken'; salt++) {
    job.id = idAt(salt);
    created = await store.createJob(job, limits);
  }
  if (!created.ok) {
    return errorAnswer(402, {
      vars: { cost: (costCents / 100).toFixed(2), balance: (created.wallet.balanceCents / 100).toFixed(2) },
    });
  }
  // The dialect's status of a successful create (202, or 200 where the Node SDK's reading is played).
  return jsonAnswer(Number(config.dialect.choices['create-status']), jobView(job, nowMs, originOf(ctx), config.dialect));
};
