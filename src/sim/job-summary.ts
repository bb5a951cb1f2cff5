import type { components as AdminComponents } from '../generated/admin-api.js';
import { unionJobView } from './job-view.js';
import { phaseOf } from './lifecycle.js';
import { redactKeys } from './redact-keys.js';
import { resolutionOf } from './resolution.js';
import type { JobRecord } from './store.js';

export type JobSummary = AdminComponents['schemas']['JobSummary'];

/**
 * A job as the dashboard shows it: what `GET /v1/jobs/{id}` would answer now (status, progress,
 * result or error) and what the mock knows besides (its key, cost, schedule, polls, webhook).
 */
export function jobSummary(job: JobRecord, nowMs: number, origin: string): JobSummary {
  // The mock's own reading (the spec's shape), whatever dialect the API answers in.
  const view = unionJobView(job, nowMs, origin);
  const phase = phaseOf(job, nowMs);
  const processing = job.timing === 'realtime' && phase.status === 'processing' && job.processingMs > 0;
  return {
    id: job.id,
    key: job.key,
    model: job.model,
    status: view.status,
    progress: view.progress ?? phase.progress,
    progress_rate: processing ? Math.round((100_000 / job.processingMs) * 1000) / 1000 : null,
    duration: job.duration,
    resolution: resolutionOf(job.aspectRatio, job.resolution),
    cost_cents: job.costCents,
    created: job.createdMs,
    updated: phase.updatedMs,
    timing: job.timing,
    last_poll: job.lastPollMs,
    refunded: job.refunded,
    webhook: job.webhook === null ? null : { url: redactKeys(job.webhook.url), delivered: job.webhook.done },
    result: 'result' in view && view.result !== undefined ? { url: view.result.url, duration: view.result.duration, resolution: view.result.resolution } : null,
    error: 'error' in view && view.error !== undefined ? { code: view.error.code, message: view.error.message } : null,
  };
}
