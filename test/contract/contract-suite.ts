import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  checkCatalogue,
  createDriftRecorder,
  formatReport,
  runCheck,
  type CheckResult,
  type DriftPointId,
  type Target,
} from '../../src/verify/index.js';
import type { RunningTarget } from './targets.js';

/** Runs per property in `npm test`; `AIGW_RUNS` raises it for a deeper local run. */
export const TEST_RUNS = Number(process.env['AIGW_RUNS'] ?? 20);

/** The seed of this test run; `AIGW_SEED=<n>` replays one. */
export const TEST_SEED = process.env['AIGW_SEED'] !== undefined ? Number(process.env['AIGW_SEED']) : Math.floor(Math.random() * 0x7fffffff);

/** Turns a failed or skipped check into the test's verdict: the failure shows request, response and seed. */
export function expectPassed(result: CheckResult, target: Target, skip: (note: string) => never): void {
  if (result.status === 'skipped') skip(result.reason);
  if (result.status === 'failed') {
    const report = formatReport({
      target: { name: target.name, baseUrl: target.baseUrl, isMock: target.isMock, stateful: target.statelessReason === null },
      seed: TEST_SEED,
      results: [result],
      drift: [],
      spentCents: 0,
      maxSpendCents: Number.POSITIVE_INFINITY,
      durationMs: result.durationMs,
    });
    throw new Error(`${result.name} failed (replay with AIGW_SEED=${result.failure.seed}):\n${report}`);
  }
  expect(result.status).toBe('passed');
}

export interface SuiteExpectations {
  /** Drift points every run on this target must observe. */
  observes: DriftPointId[];
  /** The dialect the drift summary must name at the end (a mock in a known dialect). */
  names?: string;
  /** Print the drift summary after the checks (the live run, where it is the point). */
  printDrift?: boolean;
  /** Runs per property when not TEST_RUNS (Prism answers slowly). */
  runs?: number;
}

/** The same checks, whatever the target: one `it` per check, named by what the target must do. */
export function describeContractSuite(name: string, start: () => Promise<RunningTarget>, expectations: SuiteExpectations): void {
  describe(`the ${name} target`, () => {
    let running: RunningTarget;
    const drift = createDriftRecorder();
    const memo = new Map<string, Promise<unknown>>();
    beforeAll(async () => {
      running = await start();
      // Property tests print their seed, so any failure can be replayed.
      process.stdout.write(`contract suite on ${name}: seed ${TEST_SEED}, ${expectations.runs ?? TEST_RUNS} runs (replay: AIGW_SEED=${TEST_SEED} npx vitest run test/contract)\n`);
    });
    afterAll(async () => {
      await running?.close();
      if (expectations.printDrift === true) {
        const rows = drift.rows().map((row) => `  ${row.id.padEnd(16)} ${row.follows}`);
        process.stdout.write(`Drift on ${name}: which variant of the disagreeing sources it follows\n${rows.join('\n')}\nDialect: ${drift.dialect().name}\n`);
        if (Number.isFinite(running?.target.budget.maxSpendCents)) {
          process.stdout.write(`spent at most $${((running?.target.budget.spentCents ?? 0) / 100).toFixed(2)} of $${((running?.target.budget.maxSpendCents ?? 0) / 100).toFixed(2)}\n`);
        }
      }
    });

    for (const check of checkCatalogue) {
      it(`${check.sentence} (${check.name})`, async (ctx) => {
        const result = await runCheck(check, running.target, { runs: expectations.runs ?? TEST_RUNS, seed: TEST_SEED }, drift, memo);
        expectPassed(result, running.target, (note) => ctx.skip(note));
      });
    }

    it('reports, for each point where the sources disagree, which variant it follows', () => {
      const rows = drift.rows();
      for (const id of expectations.observes) {
        expect(rows.find((r) => r.id === id)?.observed.length, `drift point ${id} was not observed`).toBeGreaterThan(0);
      }
      if (expectations.names !== undefined) expect(drift.dialect().name).toBe(expectations.names);
    });
  });
}
