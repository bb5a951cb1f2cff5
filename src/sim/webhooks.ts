import type { components } from '../generated/api.js';
import { mediaUrl } from './job-view.js';
import { phaseOf } from './lifecycle.js';
import { resolutionOf } from './resolution.js';
import { hexAt } from './random.js';
import { failureMessage } from './spec-values.js';
import type { JournalEntry, SimState } from './state.js';

export type WebhookEvent = components['schemas']['WebhookEvent'];

/** An event to deliver: where, and what (the adapter signs and sends it). */
export interface DueWebhook {
  jobId: string;
  /** Fingerprint of the job's key, for the journal. */
  key: string;
  url: string;
  event: WebhookEvent;
}

/**
 * Hands out, once each, the webhook events of jobs that have ended by now. Delivery (signing,
 * sending, retrying) is I/O and belongs to the adapter.
 */
export function takeDueWebhooks(state: SimState, nowMs: number): DueWebhook[] {
  if (state.webhookPending.size === 0) return [];
  const due: DueWebhook[] = [];
  for (const id of state.webhookPending) {
    const job = state.jobs.get(id);
    if (job === undefined || job.webhook === null || job.webhook.done) {
      state.webhookPending.delete(id);
      continue;
    }
    const phase = phaseOf(job, nowMs);
    if (phase.status !== 'completed' && phase.status !== 'failed') continue;
    job.webhook.done = true;
    state.webhookPending.delete(id);
    state.dirty.jobs.add(id);
    const completed = phase.status === 'completed';
    const url = mediaUrl(state.config.publicBaseUrl ?? job.webhook.origin, job.id);
    const code = job.failure ?? 'upstream_error';
    due.push({
      jobId: id,
      key: job.key,
      url: job.webhook.url,
      event: {
        id: `evt_${hexAt(24, state.config.seed, 'event', id)}`,
        type: completed ? 'job.completed' : 'job.failed',
        created: Math.floor(phase.updatedMs / 1000),
        data: {
          job_id: id,
          model: job.model,
          status: completed ? 'completed' : 'failed',
          ...(completed
            ? { result_url: url, result: { url, duration: job.duration, resolution: resolutionOf(job.aspectRatio, job.resolution) } }
            : { error: { code, message: failureMessage(code) } }),
          usage: { cost_cents: completed ? job.costCents : 0 },
        },
      },
    });
  }
  return due;
}

/** Records a delivery attempt in the journal, beside the requests (operation `webhook`). */
export function journalWebhook(
  state: SimState,
  delivery: { jobId: string; key: string; url: string; status: number; fault: string | null; durationMs: number },
  nowMs: number,
): void {
  if (state.config.journalLimit === 0) return;
  const entry: JournalEntry = {
    seq: ++state.journalSeq,
    time: nowMs,
    method: 'POST',
    path: delivery.url.slice(0, 2048),
    operation: 'webhook',
    status: delivery.status,
    duration_ms: Math.round(delivery.durationMs * 100) / 100,
    key: delivery.key,
    request_id: `whk_${hexAt(16, state.config.seed, 'webhook', state.journalSeq)}`,
    job_id: delivery.jobId,
    fault: delivery.fault,
    headers: {},
    credentials: [],
  };
  state.journal.push(entry);
  if (state.journal.length > state.config.journalLimit) state.journal.shift();
}
