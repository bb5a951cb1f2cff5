import fc from 'fast-check';
import type { DriftRecorder } from './drift.js';
import type { Exchange, RecordedRequest, RecordedResponse } from './exchange.js';
import type { Target } from './target.js';

export type CheckGroup = 'schemathesis' | 'async-job' | 'model-based' | 'proxy';

/** What a failing check shows: the counterexample's request and response, and how to replay it. */
export interface CheckFailure {
  message: string;
  request: RecordedRequest | null;
  response: RecordedResponse | null;
  /** The fast-check seed and path: `--seed <seed>` (and fast-check's `path`) replays the run. */
  seed: number;
  path: string | null;
  counterexample: string | null;
}

export type CheckOutcome =
  | { status: 'passed'; runs: number; note?: string }
  | { status: 'failed'; failure: CheckFailure }
  | { status: 'skipped'; reason: string; precondition?: Precondition };

/** Something the target must have before anything can be judged (a key whose wallet can pay for a job). */
export type Precondition = 'wallet-empty';

export interface CheckContext {
  target: Target;
  seed: number;
  /** Runs of this check (already lowered for creating checks on a charging target). */
  runs: number;
  drift: DriftRecorder;
  /**
   * Exchanges and job traces by request, shared between checks: with the same seed they draw the
   * same requests, so one job (one live job, where jobs cost money) serves every check that judges it.
   */
  memo: Map<string, Promise<unknown>>;
  /** Shrink counterexamples (off where only the verdict matters: the mutation harness). */
  shrink: boolean;
}

export interface Check {
  /** snake_case, as Schemathesis names its checks. */
  name: string;
  /** What the target must do, as a sentence (the test's name). */
  sentence: string;
  group: CheckGroup;
  /** Needs a target that keeps jobs (not Prism's static mock). */
  needsState: boolean;
  /** Needs the mock's control API or forced outcomes (`Prefer`, `/__mock/*`). */
  needsMock: boolean;
  /** Jobs one run creates on a target that charges (for the plan and the budget). */
  createsPerRun: number;
  run(ctx: CheckContext): Promise<CheckOutcome>;
}

/** A broken promise of the contract, with the exchange that shows it. */
export class ContractViolation extends Error {
  constructor(
    message: string,
    readonly exchange: Exchange | null,
  ) {
    super(message);
    this.name = 'ContractViolation';
  }
}

/**
 * The target cannot be judged at all (its wallet is empty: a valid create answered 402). Not a
 * violation of the contract: the run stops, and says nothing was judged.
 */
export class PreconditionFailed extends Error {
  constructor(
    message: string,
    readonly precondition: Precondition,
  ) {
    super(message);
    this.name = 'PreconditionFailed';
  }
}

/** The max spend would be passed: the check stops and reports itself skipped. */
export class BudgetExhausted extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BudgetExhausted';
  }
}

/** The value of `make` for this key, made once per suite run (a rejected one is made again next time). */
export function memoized<T>(ctx: CheckContext, key: string, make: () => Promise<T>): Promise<T> {
  let value = ctx.memo.get(key) as Promise<T> | undefined;
  if (value === undefined) {
    value = make();
    ctx.memo.set(key, value);
    value.catch(() => ctx.memo.delete(key));
  }
  return value;
}

/** Throws a ContractViolation unless `condition` holds. */
export function expectThat(condition: boolean, message: string, exchange: Exchange | null): asserts condition {
  if (!condition) throw new ContractViolation(message, exchange);
}

/** Something went wrong at the transport level: no response to judge. */
export function responseOf(exchange: Exchange): RecordedResponse {
  if (exchange.response === null) throw new ContractViolation(`no response: ${exchange.error ?? 'network error'}`, exchange);
  return exchange.response;
}

export interface PropertyOptions<T> {
  /** Stop at the first failure without shrinking (creating properties on a charging target). */
  noShrink?: boolean;
  /** Values tried before the random ones (every error status once, say), as fast-check's `examples`. */
  examples?: T[];
}

/**
 * Runs a fast-check property against the target and turns its verdict into a check outcome: the
 * failure names the shrunk counterexample, its exchange, the seed and the path that replay it.
 */
export async function runProperty<T>(
  ctx: CheckContext,
  arbitrary: fc.Arbitrary<T>,
  predicate: (value: T) => Promise<void>,
  options: PropertyOptions<T> = {},
): Promise<CheckOutcome> {
  const noShrink = options.noShrink ?? (!ctx.target.costFree || !ctx.shrink);
  const details = await fc.check(
    fc.asyncProperty(arbitrary, async (value) => {
      await predicate(value);
    }),
    // fast-check counts examples in numRuns: they come on top of the random runs here.
    { seed: ctx.seed, numRuns: ctx.runs + (options.examples?.length ?? 0), endOnFailure: noShrink, examples: (options.examples ?? []).map((e) => [e] as [T]) },
  );
  if (!details.failed) return { status: 'passed', runs: details.numRuns };
  return outcomeOfError(details.errorInstance, {
    seed: details.seed,
    path: details.counterexamplePath ?? null,
    counterexample: details.counterexample === null ? null : fc.stringify(details.counterexample),
  });
}

/** A failing run's error as an outcome (a spent budget is a skip, anything else a failure). */
export function outcomeOfError(
  error: unknown,
  replay: { seed: number; path: string | null; counterexample: string | null },
): CheckOutcome {
  if (error instanceof BudgetExhausted) return { status: 'skipped', reason: error.message };
  if (error instanceof PreconditionFailed) return { status: 'skipped', reason: error.message, precondition: error.precondition };
  const exchange = error instanceof ContractViolation ? error.exchange : null;
  const message =
    error instanceof ContractViolation ? error.message : `the check itself failed: ${error instanceof Error ? error.message : String(error)}`;
  return {
    status: 'failed',
    failure: {
      message,
      request: exchange?.request ?? null,
      response: exchange?.response ?? null,
      seed: replay.seed,
      path: replay.path,
      counterexample: replay.counterexample,
    },
  };
}
