import { checkCatalogue } from './catalogue.js';
import { formatDollars } from './budget.js';
import { defaultModel } from './arbitraries.js';
import { lifecycleJobLimit } from './checks/model-lifecycle.js';
import { cheapestRequest, costOf } from './jobs.js';
import { runsFor, skipReason, type SuiteOptions } from './run-suite.js';
import type { Target } from './target.js';

export interface PlannedCheck {
  name: string;
  runs: number;
  /** Jobs it may create (0 for the free checks). */
  jobs: number;
  skipped: string | null;
}

export interface SuitePlan {
  checks: PlannedCheck[];
  /** Jobs the whole run may create: the async-job checks share theirs where jobs cost money. */
  jobs: number;
  /** The most it may cost, before the max spend caps it, in cents. */
  costCents: number;
  maxSpendCents: number;
}

/** What a run would do and cost, without sending anything (`--dry-run`). */
export function planSuite(target: Target, options: SuiteOptions = {}): SuitePlan {
  const perJob = target.costFree ? 0 : costOf(cheapestRequest(defaultModel));
  const checks = checkCatalogue.map((check): PlannedCheck => {
    const skipped = skipReason(check, target);
    const runs = runsFor(check, target, options);
    return { name: check.name, runs, jobs: skipped === null ? runs * check.createsPerRun : 0, skipped };
  });
  // The async-job checks follow the same jobs (one per run); positive_data_acceptance and
  // cancel_ends_the_job create their own, and each model_lifecycle sequence creates up to its limit.
  const own = ['model_lifecycle', 'positive_data_acceptance', 'cancel_ends_the_job'];
  const jobsOf = (name: string): number => checks.find((c) => c.name === name)?.jobs ?? 0;
  const shared = checks.filter((c) => c.jobs > 0 && !own.includes(c.name)).reduce((max, c) => Math.max(max, c.jobs), 0);
  const lifecycle = jobsOf('model_lifecycle') * lifecycleJobLimit(target.costFree);
  const jobs = shared + jobsOf('positive_data_acceptance') + jobsOf('cancel_ends_the_job') + lifecycle;
  for (const check of checks) if (check.name === 'model_lifecycle') check.jobs = lifecycle;
  return { checks, jobs, costCents: jobs * perJob, maxSpendCents: target.budget.maxSpendCents };
}

export function formatPlan(plan: SuitePlan, target: Target): string {
  const lines = [`aigw-video verify --dry-run: ${target.name} at ${target.baseUrl} (${target.isMock ? 'the aigw-video-kit mock: jobs cost nothing' : 'jobs cost money'})`, ''];
  for (const check of plan.checks) {
    const what = check.skipped !== null ? `skipped: ${check.skipped}` : `${check.runs} run${check.runs === 1 ? '' : 's'}${check.jobs > 0 ? `, creates up to ${check.jobs} job${check.jobs === 1 ? '' : 's'}` : ', creates nothing'}`;
    lines.push(`  ${check.name.padEnd(30)} ${what}`);
  }
  lines.push('');
  if (target.costFree) lines.push(`Up to ${plan.jobs} jobs, all free (a mock).`);
  else {
    const capped = Math.min(plan.costCents, plan.maxSpendCents);
    lines.push(`Up to ${plan.jobs} jobs of the shortest duration (the async-job checks share theirs): at most ${formatDollars(plan.costCents)} before the cap; --max-spend ${formatDollars(plan.maxSpendCents)} limits it to ${formatDollars(capped)}.`);
  }
  lines.push('Nothing was sent (dry run).', '');
  return lines.join('\n');
}
