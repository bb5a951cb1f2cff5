import { checkCatalogue } from './catalogue.js';
import { formatDollars } from './budget.js';
import { costOf } from './jobs.js';
import { cheapestRequest, } from './jobs.js';
import { defaultModel } from './arbitraries.js';
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
  // Where jobs cost money the async-job checks follow the same jobs (one per run); the others create their own.
  const shared = checks.filter((c) => c.jobs > 0 && c.name !== 'model_lifecycle').reduce((max, c) => Math.max(max, c.runs), 0);
  const lifecycle = checks.find((c) => c.name === 'model_lifecycle');
  const jobs = target.costFree ? checks.reduce((sum, c) => sum + c.jobs, 0) : shared + (lifecycle?.jobs ?? 0) * 6;
  return { checks, jobs, costCents: jobs * perJob, maxSpendCents: target.budget.maxSpendCents };
}

export function formatPlan(plan: SuitePlan, target: Target): string {
  const lines = [`aigw-video verify --dry-run: ${target.name} at ${target.baseUrl} (${target.isMock ? 'the aigw-video-kit mock: jobs cost nothing' : 'jobs cost money'})`, ''];
  for (const check of plan.checks) {
    const what = check.skipped !== null ? `skipped: ${check.skipped}` : `${check.runs} runs${check.jobs > 0 ? `, creates up to ${check.jobs} job(s)` : ', creates nothing'}`;
    lines.push(`  ${check.name.padEnd(30)} ${what}`);
  }
  lines.push('');
  if (target.costFree) lines.push(`Up to ${plan.jobs} jobs, all free (a mock).`);
  else {
    const capped = Math.min(plan.costCents, plan.maxSpendCents);
    lines.push(`Up to ${plan.jobs} jobs of the shortest duration: at most ${formatDollars(plan.costCents)} before the cap; --max-spend ${formatDollars(plan.maxSpendCents)} limits it to ${formatDollars(capped)}.`);
  }
  lines.push('Nothing was sent (dry run).', '');
  return lines.join('\n');
}
