import type { PollSchedule } from './client-options.js';

/** The wait after poll number `poll` (0 for the first): grows by `factor` up to `maxMs`. */
export function pollDelay(poll: number, schedule: PollSchedule): number {
  // 0 * Infinity is NaN: a schedule that starts at 0 stays there however long the wait.
  if (schedule.initialMs === 0) return 0;
  return Math.min(schedule.maxMs, schedule.initialMs * schedule.factor ** poll);
}
