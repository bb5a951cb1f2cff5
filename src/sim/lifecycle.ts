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

/**
 * Whether the job awaits its refund whatever the time: it is meant to fail or was cancelled, and was
 * not refunded yet (the jobs a store's `pendingRefund` listing finds).
 */
export const awaitsRefund = (job: JobRecord): boolean => (job.outcome === 'failed' || job.cancelledMs !== null) && !job.refunded;

/** Whether the job will cost nothing: it failed or was cancelled by then (a completed job is paid for). */
export function refundDue(job: JobRecord, nowMs: number): boolean {
  const { status } = phaseOf(job, nowMs);
  return status !== 'completed' && isTerminalStatus(status);
}

function runningPhase(job: JobRecord, nowMs: number): JobPhase {
  if (job.timing === 'steps') return stepPhase(job);
  // Compared as times (not as time elapsed), as nextChangeMs and earnedFrom compute them: the same
  // sums, so the three agree to the last bit of a fractional schedule.
  const startedMs = job.createdMs + job.queuedMs;
  if (nowMs < startedMs) return { status: 'queued', progress: 0, updatedMs: job.createdMs };
  const endMs = startedMs + runMsOf(job);
  if (nowMs < endMs) {
    const progress = job.processingMs === 0 ? 0 : Math.min(99, Math.floor((100 * (nowMs - startedMs)) / job.processingMs));
    return { status: 'processing', progress, updatedMs: startedMs };
  }
  if (job.outcome === 'failed') {
    return { status: 'failed', progress: Math.floor(100 * FAILURE_POINT), updatedMs: endMs };
  }
  return { status: 'completed', progress: 100, updatedMs: endMs };
}

/** How long a realtime job processes: a failing job stops at its failure point. */
const runMsOf = (job: JobRecord): number => (job.outcome === 'failed' ? job.processingMs * FAILURE_POINT : job.processingMs);

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
  const endMs = startedMs + runMsOf(job);
  return nowMs < endMs ? endMs : null;
}

/**
 * When the job earns its cost, as a fact fixed at its creation: it reads `completed` from the time
 * `ms` on (realtime), or once its polls reach `polls` (steps), unless it is cancelled before; null
 * when it never does (it fails). What a store that cannot run `phaseOf` (a Redis script) compares to
 * judge `refundedOnEviction` atomically: nothing a job's later changes (polls, a cancel, a refund)
 * move, since a cancelled or failing job awaits its refund anyway (`pendingRefund`).
 */
export function earnedFrom(job: JobRecord): { ms: number } | { polls: number } | null {
  if (job.outcome === 'failed') return null;
  if (job.timing === 'steps') return { polls: job.processingPolls + 1 };
  return { ms: job.createdMs + job.queuedMs + runMsOf(job) };
}

/**
 * Whether the cost of a job the store evicts at `nowMs` goes back to its key: it had not completed
 * by then (it failed, was cancelled, or was still running) and was not refunded already.
 */
export const refundedOnEviction = (job: JobRecord, nowMs: number): boolean => !job.refunded && phaseOf(job, nowMs).status !== 'completed';
