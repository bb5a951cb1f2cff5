import { performance } from 'node:perf_hooks';
import { checkCatalogue } from './catalogue.js';
import { outcomeOfError, type Check, type CheckContext, type CheckOutcome, type Precondition } from './check.js';
import { createDriftRecorder, type DriftRecorder, type DriftRow } from './drift.js';
import type { Target } from './target.js';

export interface SuiteOptions {
  /** Runs of each property (default 50). */
  runs?: number;
  /** Runs of the properties that create jobs where jobs cost money (default 1). */
  creatingRuns?: number;
  /** The fast-check seed (default: random, and printed). */
  seed?: number;
  /** Only these checks (by name). */
  only?: readonly string[];
  /** Stop after the first failing check (the mutation harness only needs one). */
  stopOnFailure?: boolean;
  /** Shrink counterexamples to the smallest (default true; the mutation harness only needs a verdict). */
  shrink?: boolean;
  /** Called as each check ends. */
  onResult?: (result: CheckResult) => void;
}

/** One point of the dialect a run found, and what showed it (a HAR's entry number, when judged from one). */
export interface SuiteDialectPoint {
  point: string;
  choice: string;
  observed: boolean;
  conflicting?: boolean;
  note?: string;
  evidence: ReadonlyArray<{ entry?: number; request: string; shows: string }>;
}

export interface SuiteDialect {
  name: string;
  choices: Readonly<Record<string, string>>;
  points: readonly SuiteDialectPoint[];
  declared?: string | null;
}

export type CheckResult = CheckOutcome & { name: string; sentence: string; durationMs: number; runs: number };

export interface SuiteReport {
  target: { name: string; baseUrl: string; isMock: boolean; stateful: boolean };
  seed: number;
  results: CheckResult[];
  drift: DriftRow[];

  spentCents: number;
  maxSpendCents: number;
  durationMs: number;
  /** Set when the run stopped because the target could not be judged (its wallet is empty): nothing was judged. */
  precondition?: { kind: Precondition; message: string };
  /**
   * The dialect the answers showed, named as `--dialect` takes it (`docs`, `docs,fast-poll=none`), each
   * point with its evidence, and the one the target declared (a mock's `/__mock/health`, `verify
   * --dialect`), if any. Absent only from a run stopped before it judged anything.
   */
  dialect?: SuiteDialect;
}

export const DEFAULT_RUNS = 50;
export const DEFAULT_CREATING_RUNS = 1;

/** Runs of a check on a target: creating checks run few times where jobs cost money. */
export function runsFor(check: Check, target: Target, options: SuiteOptions): number {
  const runs = options.runs ?? DEFAULT_RUNS;
  if (check.createsPerRun === 0 || target.costFree) return runs;
  return Math.min(runs, options.creatingRuns ?? DEFAULT_CREATING_RUNS);
}

/** Why a check cannot run on a target, or null when it can. */
export function skipReason(check: Check, target: Target): string | null {
  if (check.needsState && target.statelessReason !== null) return target.statelessReason;
  if (check.needsMock && !target.isMock) {
    return 'needs the mock (forced outcomes through Prefer and /__mock): GET /__mock/health did not answer on this target';
  }
  return null;
}

/** Runs one check; never throws. */
export async function runCheck(check: Check, target: Target, options: SuiteOptions & { seed: number }, drift: DriftRecorder = createDriftRecorder(), memo = new Map<string, Promise<unknown>>()): Promise<CheckResult> {
  const started = performance.now();
  const runs = runsFor(check, target, options);
  const base = { name: check.name, sentence: check.sentence, runs };
  const reason = skipReason(check, target);
  if (reason !== null) return { ...base, status: 'skipped', reason, durationMs: 0 };
  const ctx: CheckContext = { target, seed: options.seed, runs, drift, memo, shrink: options.shrink ?? true };
  let outcome: CheckOutcome;
  try {
    outcome = await check.run(ctx);
  } catch (error) {
    outcome = outcomeOfError(error, { seed: options.seed, path: null, counterexample: null });
  }
  return { ...base, ...outcome, durationMs: Math.round(performance.now() - started) };
}

/** Runs the catalogue (or `only`) against a target, then the drift probes; never throws. */
export async function runSuite(target: Target, options: SuiteOptions = {}): Promise<SuiteReport> {
  const started = performance.now();
  const seed = options.seed ?? Math.floor(Math.random() * 0x7fffffff);
  const drift = createDriftRecorder();
  const memo = new Map<string, Promise<unknown>>();
  const checks = options.only === undefined ? checkCatalogue : checkCatalogue.filter((c) => options.only?.includes(c.name));
  const results: CheckResult[] = [];
  for (const check of checks) {
    const result = await runCheck(check, target, { ...options, seed }, drift, memo);
    results.push(result);
    options.onResult?.(result);
    if (result.status === 'skipped' && result.precondition !== undefined) {
      // Nothing was judged: what ran before the precondition showed is not reported as passed.
      return { ...reportBase(target, seed, [], drift, started), precondition: { kind: result.precondition, message: result.reason } };
    }
    if (options.stopOnFailure === true && result.status === 'failed') break;
  }
  return reportBase(target, seed, results, drift, started);
}

function reportBase(target: Target, seed: number, results: CheckResult[], drift: DriftRecorder, started: number): SuiteReport {
  return {
    target: { name: target.name, baseUrl: target.baseUrl, isMock: target.isMock, stateful: target.statelessReason === null },
    seed,
    results,
    drift: drift.rows(),
    dialect: dialectSummary(drift, target),
    spentCents: target.budget.spentCents,
    maxSpendCents: target.budget.maxSpendCents,
    durationMs: Math.round(performance.now() - started),
  };
}

export const suitePassed = (report: SuiteReport): boolean => report.precondition === undefined && report.results.every((r) => r.status !== 'failed');

/** `verify`'s exit status: 0 every check passed, 1 a contract failure, 3 nothing judged (the wallet is empty). 2 is a usage error. */
export const EXIT_PRECONDITION = 3;
export const suiteExitCode = (report: SuiteReport): number => (report.precondition !== undefined ? EXIT_PRECONDITION : suitePassed(report) ? 0 : 1);

/** The dialect the drift recorder's observations add up to, each point with its first evidence, and the one the target declares. */
export function dialectSummary(drift: DriftRecorder, target: Pick<Target, 'dialect'>): SuiteDialect {
  const inferred = drift.dialect();
  const rows = drift.rows();
  return {
    name: inferred.name,
    choices: inferred.choices,
    points: inferred.points.map((p) => {
      const seen = rows.find((r) => r.id === p.point)?.observed ?? [];
      return {
        point: p.point,
        choice: p.choice,
        observed: p.observed,
        conflicting: p.conflicting,
        ...(p.note !== undefined ? { note: p.note } : {}),
        evidence: seen.slice(0, 3).map((o) => ({ request: o.evidence, shows: o.variant })),
      };
    }),
    declared: target.dialect?.name ?? null,
  };
}
