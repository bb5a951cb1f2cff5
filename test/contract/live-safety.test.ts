import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer, type RunningMockServer } from '../../mocks/express.js';
import { createUrlTarget, formatPlan, formatReport, jsonReport, junitXml, planSuite, runSuite, type SuiteReport, type Target } from '../../src/verify/index.js';
import { durationBounds } from '../../src/verify/arbitraries.js';
import { TEST_SEED, TEST_RUNS } from './contract-suite.js';
import { TEST_KEY, virtualClock } from './targets.js';

// The live path, rehearsed on the mock: a url target that believes jobs cost money (as on the
// gateway) and waits through an instant virtual sleep. The mock in steps timing moves one status per poll.
describe('the url target where jobs cost money', () => {
  let server: RunningMockServer;
  let target: Target;
  let report: SuiteReport;
  const slept: number[] = [];
  beforeAll(async () => {
    // Frozen at the real time: a charging target's clock is judged against the response's Date header.
    server = await startMockServer({ port: 0, log: null, timing: 'steps', now: virtualClock(Date.now()).now });
    target = await createUrlTarget({
      name: 'url (rehearsal)',
      baseUrl: server.url,
      apiKey: TEST_KEY,
      isMock: false,
      maxSpendUsd: 0.2,
      sleep: async (ms) => void slept.push(ms),
    });
    process.stdout.write(`live rehearsal: seed ${TEST_SEED}\n`);
    report = await runSuite(target, { seed: TEST_SEED, runs: TEST_RUNS });
  });
  afterAll(async () => {
    await server?.close();
  });

  it('never spends more than --max-spend, counted before each create', async () => {
    expect(report.spentCents).toBeLessThanOrEqual(20);
    const wallet = (await (await fetch(`${server.origin}/__mock/wallet`, { headers: { authorization: `Bearer ${TEST_KEY}` } })).json()) as { spent_cents: number };
    expect(wallet.spent_cents).toBeLessThanOrEqual(20);
  });

  it('creates only jobs of the shortest duration', async () => {
    const durations = (await server.simulation.jobs()).map((job) => job.duration);
    expect(durations.length).toBeGreaterThan(0);
    expect(new Set(durations)).toEqual(new Set([durationBounds.min]));
  });

  it('passes, skipping the mock-only checks with the reason', () => {
    expect(report.results.filter((r) => r.status === 'failed').map((r) => r.name)).toEqual([]);
    const skipped = report.results.filter((r) => r.status === 'skipped');
    for (const name of ['failed_has_error', 'retry_after_on_429']) {
      expect(skipped.find((r) => r.name === name)).toMatchObject({ reason: expect.stringContaining('/__mock/health') });
    }
  });

  it('runs the creating properties once and the free ones in full', () => {
    const runsOf = (name: string): number | undefined => report.results.find((r) => r.name === name)?.runs;
    expect(runsOf('positive_data_acceptance')).toBe(1);
    expect(runsOf('ignored_auth')).toBe(TEST_RUNS);
  });

  it('keeps the key out of every report', () => {
    for (const text of [formatReport(report), junitXml(report), jsonReport(report)]) expect(text).not.toContain(TEST_KEY);
  });

  it('reports a check skipped, not failed, once the budget is spent', async () => {
    const poor = await createUrlTarget({ name: 'poor', baseUrl: server.url, apiKey: TEST_KEY, isMock: false, maxSpendUsd: 0.05, sleep: async () => undefined });
    const result = await runSuite(poor, { seed: TEST_SEED, runs: 2, only: ['positive_data_acceptance'] });
    expect(result.results[0]).toMatchObject({ status: 'skipped', reason: expect.stringContaining('max spend') });
  });

  it('prints a dry-run plan with its cost, capped by the max spend', () => {
    const plan = planSuite(target, { runs: TEST_RUNS });
    expect(plan.costCents).toBeGreaterThan(0);
    expect(formatPlan(plan, target)).toContain('--max-spend $0.20');
  });
});
