// The mock's clock as the page estimates it (it may be moved ahead of the wall clock with
// POST /__mock/clock): ages and moving progress bars are read against it.
let skewMs = 0;

/** Notes a time the mock said was "now" (every listing and event carries one). */
export function noteServerNow(/** @type {number} */ now) {
  skewMs = now - Date.now();
}

/** The mock's time now, as far as the page knows. */
export const serverNow = () => Date.now() + skewMs;

/**
 * Where a job's bar is now: what the mock last said, moved on at `progress_rate` while a realtime
 * job processes (short of 100 until the mock says it completed).
 * @param {{ progress: number, progress_rate: number | null, updated: number }} job
 */
export function progressNow(job) {
  if (job.progress_rate === null) return job.progress;
  const seconds = Math.max(0, serverNow() - job.updated) / 1000;
  return Math.max(job.progress, Math.min(99, Math.floor(seconds * job.progress_rate)));
}
