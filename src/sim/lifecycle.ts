import type { SchemaJobStatus } from '../generated/api.js';
import { isTerminalStatus } from '../contract/job-status.js';
import type { JobRecord } from './store.js';

export interface JobPhase {
  status: SchemaJobStatus;
  progress: number;
  /** When the status last changed (unix ms). */
  updatedMs: number;
}

/** Where in processing a failing job stops (its progress freezes there). */
export const FAILURE_POINT = 0.5;

/**
 * The job's status at a time (realtime) or after its polls so far (steps). A pure function of the
 * record and a clock that never runs backwards, so statuses never move back and progress only grows.
 * From its cancellation on, a job is `cancelled`, its progress frozen where the cancel found it.
 */
export function phaseOf(job: JobRecord, nowMs: number): JobPhase {
  const cancelledMs = job.cancelledMs ?? null;
  if (cancelledMs !== null && nowMs >= cancelledMs) {
    return { status: 'cancelled', progress: runningPhase(job, cancelledMs).progress, updatedMs: cancelledMs };
  }
  return runningPhase(job, nowMs);
}

/** Whether the job has ended by then (completed, failed or cancelled): an ended job never changes. */
export const hasEnded = (job: JobRecord, nowMs: number): boolean => isTerminalStatus(phaseOf(job, nowMs).status);

/** Whether the job will cost nothing: it failed or was cancelled by then (a completed job is paid for). */
export function refundDue(job: JobRecord, nowMs: number): boolean {
  const { status } = phaseOf(job, nowMs);
  return status !== 'completed' && isTerminalStatus(status);
}

function runningPhase(job: JobRecord, nowMs: number): JobPhase {
  if (job.timing === 'steps') return stepPhase(job);
  const elapsed = nowMs - job.createdMs;
  if (elapsed < job.queuedMs) return { status: 'queued', progress: 0, updatedMs: job.createdMs };
  const startedMs = job.createdMs + job.queuedMs;
  const runMs = job.outcome === 'failed' ? job.processingMs * FAILURE_POINT : job.processingMs;
  const running = elapsed - job.queuedMs;
  if (running < runMs) {
    const progress = job.processingMs === 0 ? 0 : Math.min(99, Math.floor((100 * running) / job.processingMs));
    return { status: 'processing', progress, updatedMs: startedMs };
  }
  if (job.outcome === 'failed') {
    return { status: 'failed', progress: Math.floor(100 * FAILURE_POINT), updatedMs: startedMs + runMs };
  }
  return { status: 'completed', progress: 100, updatedMs: startedMs + runMs };
}

/** Steps: the create answer is poll 0 (queued); each later poll shows the next status. */
function stepPhase(job: JobRecord): JobPhase {
  const { processingPolls } = job;
  if (job.polls === 0) return { status: 'queued', progress: 0, updatedMs: job.stepUpdatedMs };
  if (job.polls <= processingPolls) {
    const progress = Math.floor((100 * job.polls) / (processingPolls + 1));
    return {
      status: 'processing',
      progress: job.outcome === 'failed' ? Math.min(progress, Math.floor(100 * FAILURE_POINT)) : progress,
      updatedMs: job.stepUpdatedMs,
    };
  }
  if (job.outcome === 'failed') return { status: 'failed', progress: Math.floor(100 * FAILURE_POINT), updatedMs: job.stepUpdatedMs };
  return { status: 'completed', progress: 100, updatedMs: job.stepUpdatedMs };
}

/**
 * When the job's status next changes on the clock: the end of its queue, or of its processing; null
 * when only polls move it (steps) or it has ended. `phaseOf` holds the same status from `nowMs`
 * until then (an event stream waits for that moment instead of asking every job every time).
 */
export function nextChangeMs(job: JobRecord, nowMs: number): number | null {
  // A cancelled job never changes again from its cancel on.
  const cancelledMs = job.cancelledMs ?? null;
  if (cancelledMs !== null && nowMs >= cancelledMs) return null;
  const next = scheduledChangeMs(job, nowMs);
  return cancelledMs !== null && (next === null || cancelledMs < next) ? cancelledMs : next;
}

function scheduledChangeMs(job: JobRecord, nowMs: number): number | null {
  if (job.timing === 'steps') return null;
  const startedMs = job.createdMs + job.queuedMs;
  if (nowMs < startedMs) return startedMs;
  const runMs = job.outcome === 'failed' ? job.processingMs * FAILURE_POINT : job.processingMs;
  return nowMs < startedMs + runMs ? startedMs + runMs : null;
}
