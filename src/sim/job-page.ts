import type { components as AdminComponents } from '../generated/admin-api.js';
import { jobStatusValues } from '../generated/api.js';
import type { Core } from './core.js';
import { jobSummary } from './job-summary.js';
import { phaseOf } from './lifecycle.js';

export type JobPage = AdminComponents['schemas']['JobPage'];

export interface JobPageQuery {
  key: string | null;
  /** Only these statuses; null for every one. */
  statuses: ReadonlySet<string> | null;
  offset: number;
  limit: number;
}

/**
 * A page of the jobs, newest first, and how many of the key's jobs are in each status. Statuses
 * move with the clock, not with the store, so every job's status is read at `nowMs`.
 */
export async function jobPage(core: Core, query: JobPageQuery, nowMs: number, origin: string): Promise<JobPage> {
  const jobs = await core.store.jobs(query.key === null ? {} : { key: query.key });
  const counts: Record<string, number> = Object.fromEntries(jobStatusValues.map((s) => [s, 0]));
  const selected: typeof jobs = [];
  // Newest first: the store keeps creation order.
  for (let i = jobs.length - 1; i >= 0; i--) {
    const job = jobs[i] as (typeof jobs)[number];
    // The status alone (what jobView answers), without building every job's view: a board reads
    // this page once a second while jobs change, with up to maxJobs of them.
    const { status } = phaseOf(job, nowMs);
    counts[status] = (counts[status] ?? 0) + 1;
    if (query.statuses === null || query.statuses.has(status)) selected.push(job);
  }
  const page = selected.slice(query.offset, query.offset + query.limit);
  return {
    now: nowMs,
    total: selected.length,
    offset: query.offset,
    limit: query.limit,
    counts,
    jobs: page.map((job) => jobSummary(job, nowMs, origin)),
  };
}
