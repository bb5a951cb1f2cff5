import type { SchemaCompletedJob, SchemaJob } from '../generated/api.js';
import type { PollSchedule, RequestOptions, Sleep } from './client-options.js';
import { isTerminalStatus } from '../contract/job-status.js';
import { JobCancelledError, JobFailedError, MalformedResponseError, WaitTimeoutError } from './errors.js';
import { isCancelled } from './job-fields.js';
import { pollDelay } from './poll-delay.js';

/** `signal` ends the wait; `headers` go with every poll. */
export interface WaitOptions extends RequestOptions {
  /** Default 10 minutes, measured with the client's `now`. */
  timeoutMs?: number;
  /** Called with the first job seen and whenever its status or progress changes. */
  onProgress?: (job: SchemaJob) => void;
  /** No two requests of the wait are closer than this. Default 1000. */
  minPollIntervalMs?: number;
}

export interface WaitDependencies {
  /** One poll (with the wait's signal and headers), retried as a request is; `pause` is how it must wait between attempts. */
  getJob: (id: string, pause: (ms: number) => Promise<void>) => Promise<SchemaJob>;
  sleep: Sleep;
  now: () => number;
  poll: PollSchedule;
}

/**
 * Polls job `id` until it ends: `completed` is answered, `failed` thrown as JobFailedError, `cancelled`
 * as JobCancelledError. Any other status keeps it polling (`running` is the docs pages' `processing`);
 * a 304 Not Modified (a gateway that throttles polls) is the job as last seen.
 */
export async function waitForCompletion(
  id: string,
  options: WaitOptions,
  deps: WaitDependencies,
): Promise<SchemaCompletedJob> {
  const { signal, timeoutMs = 600_000, minPollIntervalMs = 1000, onProgress } = options;
  const deadline = deps.now() + timeoutMs;
  let last: SchemaJob | undefined;
  // Every wait of the loop, between polls and between retries of a poll, goes through here: none is
  // shorter than the floor, and the one that would cross the deadline ends on it instead.
  const pause = async (ms: number): Promise<void> => {
    const wanted = Math.max(ms, minPollIntervalMs);
    const remaining = deadline - deps.now();
    if (remaining > 0) await deps.sleep(Math.min(wanted, remaining), signal);
    if (wanted >= remaining) throw new WaitTimeoutError(id, timeoutMs, last);
  };
  for (let poll = 0; ; poll++) {
    const job = await deps.getJob(id, pause);
    if (last === undefined || job.status !== last.status || job.progress !== last.progress) onProgress?.(job);
    last = job;
    if (job.status === 'completed') return job;
    if (isTerminalStatus(job.status)) {
      if (isCancelled(job)) throw new JobCancelledError(job);
      if (job.status === 'failed') throw new JobFailedError(job);
      throw new MalformedResponseError({ operationId: 'getJob', status: 200, requestId: null, reason: `the job ended with the unknown status ${JSON.stringify(job.status)}` });
    }
    await pause(pollDelay(poll, deps.poll));
  }
}
