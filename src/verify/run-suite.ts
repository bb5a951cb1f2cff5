import { performance } from 'node:perf_hooks';
import { checkCatalogue } from './catalogue.js';
import { outcomeOfError, type Check, type CheckContext, type CheckOutcome, type Precondition } from './check.js';
import type { InferredDialect } from '../calibrate/infer-dialect.js';
import { createDriftRecorder, type DriftRecorder, type DriftRow } from './drift.js';
import { send, type Exchange } from './exchange.js';
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
  /** The dialect the exchanges show, each point with its evidence (verify --from-har). */
  dialect?: InferredDialect;
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

/** How a target answers the two cancel calls the sources disagree on (probed with an unknown job: free). */
async function probeCancel(target: Target, drift: DriftRecorder): Promise<void> {
  const key = target.keyFor('drift-cancel');
  const probes: [string, string, string][] = [
    ['DELETE', '/v1/jobs/job_doesnotexist', 'DELETE /v1/jobs/{id} (Node SDK)'],
    ['POST', '/v1/jobs/job_doesnotexist/cancel', 'POST /v1/jobs/{id}/cancel (docs pages)'],
  ];
  const supported: string[] = [];
  const unclear: string[] = [];
  const evidence: string[] = [];
  for (const [method, path, name] of probes) {
    const exchange: Exchange = await send(target, { method, path, key });
    const response = exchange.response;
    if (response === null) continue;
    const body = response.body as { error?: { code?: unknown } } | undefined;
    const unknownEndpoint = response.status === 405 || response.headers['allow'] !== undefined || body?.error?.code === 'unknown_endpoint';
    evidence.push(`${method} ${path} -> ${response.status}`);
    if ((response.status >= 200 && response.status < 300) || response.status === 409 || (response.status === 404 && !unknownEndpoint)) {
      if (response.status === 404) unclear.push(name);
      else supported.push(name);
    }
  }
  const shown = evidence.join(', ');
  if (supported.length > 0) drift.observe('cancel', supported.join(' and '), supported.map((s) => s.replace(/^.*\((.*)\)$/, '$1')).join(', '), shown);
  else if (unclear.length > 0) drift.observe('cancel', `404 for an unknown job on ${unclear.join(' and ')} (cannot tell a missing job from a missing endpoint)`, 'unclear', shown);
  else if (shown !== '') drift.observe('cancel', 'none', 'model page, published spec', shown);
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
  if (options.only === undefined) await probeCancel(target, drift);
  return reportBase(target, seed, results, drift, started);
}

function reportBase(target: Target, seed: number, results: CheckResult[], drift: DriftRecorder, started: number): SuiteReport {
  return {
    target: { name: target.name, baseUrl: target.baseUrl, isMock: target.isMock, stateful: target.statelessReason === null },
    seed,
    results,
    drift: drift.rows(),
    spentCents: target.budget.spentCents,
    maxSpendCents: target.budget.maxSpendCents,
    durationMs: Math.round(performance.now() - started),
  };
}

export const suitePassed = (report: SuiteReport): boolean => report.precondition === undefined && report.results.every((r) => r.status !== 'failed');

/** `verify`'s exit status: 0 every check passed, 1 a contract failure, 3 nothing judged (the wallet is empty). 2 is a usage error. */
export const EXIT_PRECONDITION = 3;
export const suiteExitCode = (report: SuiteReport): number => (report.precondition !== undefined ? EXIT_PRECONDITION : suitePassed(report) ? 0 : 1);
