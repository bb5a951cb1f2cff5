import type { components } from '../generated/api.js';
import { isTerminalStatus } from '../contract/job-status.js';
import type { Core } from './core.js';
import { mediaUrl } from './job-view.js';
import { phaseOf } from './lifecycle.js';
import { resolutionOf } from './resolution.js';
import { hexAt } from './random.js';
import { redactKeys } from './redact-keys.js';
import { failureMessage } from './spec-values.js';
import { speakEventData } from './dialect-view.js';

export type WebhookEvent = components['schemas']['WebhookEvent'];

/** An event to deliver: where, and what (the adapter signs and sends it). */
export interface DueWebhook {
  jobId: string;
  /** Fingerprint of the job's key, for the journal. */
  key: string;
  url: string;
  event: WebhookEvent;
}

/** One delivery attempt, as the adapter saw it. */
export interface WebhookAttempt {
  jobId: string;
  key: string;
  url: string;
  status: number;
  fault: string | null;
  durationMs: number;
}

/**
 * Hands out, once each (also across processes sharing a store), the webhook events of jobs that
 * have ended by now. Delivery (signing, sending, retrying) is I/O and belongs to the adapter.
 */
export async function takeDueWebhooks(core: Core, nowMs: number): Promise<DueWebhook[]> {
  const pending = await core.store.jobs({ pendingWebhook: true });
  const due: DueWebhook[] = [];
  for (const job of pending) {
    if (job.webhook === null || job.webhook.done) continue;
    const phase = phaseOf(job, nowMs);
    if (!isTerminalStatus(phase.status)) continue;
    if (!(await core.store.claimWebhook(job.id))) continue;
    const completed = phase.status === 'completed';
    const url = mediaUrl(core.config.publicBaseUrl ?? job.webhook.origin, job.id);
    const code = job.failure ?? 'upstream_error';
    const outcome =
      phase.status === 'completed'
        ? { result_url: url, result: { url, duration: job.duration, resolution: resolutionOf(job.aspectRatio, job.resolution) } }
        : phase.status === 'failed'
          ? { error: { code, message: failureMessage(code) } }
          : {};
    // The event shows the job as the dialect does: the result where it puts it, its status names, the error's shape.
    const data = speakEventData(
      { job_id: job.id, model: job.model, status: phase.status, ...outcome, usage: { cost_cents: completed ? job.costCents : 0 } },
      core.config.dialect,
    );
    due.push({
      jobId: job.id,
      key: job.key,
      url: job.webhook.url,
      event: {
        id: `evt_${hexAt(24, core.config.seed, 'event', job.id)}`,
        type: `job.${String(data['status'])}` as WebhookEvent['type'],
        created: Math.floor(phase.updatedMs / 1000),
        data: data as WebhookEvent['data'],
      },
    });
  }
  return due;
}

/** Records a delivery attempt in the journal, beside the requests (operation `webhook`). */
export async function journalWebhook(core: Core, attempt: WebhookAttempt, nowMs: number): Promise<void> {
  const { config, store } = core;
  if (config.journalLimit <= 0) return;
  await store.appendJournal(
    {
      time: nowMs,
      method: 'POST',
      path: redactKeys(attempt.url.slice(0, 2048)),
      operation: 'webhook',
      status: attempt.status,
      duration_ms: Math.round(attempt.durationMs * 100) / 100,
      key: attempt.key,
      request_id: `whk_${hexAt(16, config.seed, 'webhook', attempt.jobId, await store.nextSequence('webhook'))}`,
      job_id: attempt.jobId,
      fault: attempt.fault,
      headers: {},
      credentials: [],
    },
    config.journalLimit,
  );
}
