import { describe, expect, it } from 'vitest';
import { junitReport } from '../../src/conformance/junit-report.js';
import { mergeRuns } from '../../src/conformance/merge-runs.js';
import type { ConformanceReport, ScenarioResult } from '../../src/conformance/run-conformance.js';

const result = (name: string, fired: boolean, failedRule: string | null): ScenarioResult => ({
  name,
  title: `${name} title`,
  description: 'd',
  passed: fired && failedRule === null,
  durationMs: 1500,
  fault: {
    fired,
    faults: [{ says: 'getJob answers 429 with Retry-After: 2, once', fired: fired ? 1 : 0, detail: fired ? 'fired once: #2 getJob 429' : 'never fired: the one getJob request (#2) was answered 401: no credentials sent' }],
  },
  rules: [{ rule: 'honours-retry-after', says: 'waits', passed: fired && failedRule === null, judged: fired, checks: [{ ok: failedRule === null, detail: failedRule === null ? 'gap 2000 ms' : 'came 50 ms after' }] }],
  journal: [],
  startedAt: 0,
  outcome: { ok: false },
  outcomeProblem: null,
  run: null,
  error: null,
  repeats: null,
});

const report = (scenarios: ScenarioResult[], repeat = 1): ConformanceReport => ({
  adapter: 'node a.mjs',
  command: 'node a.mjs',
  repeat,
  passed: scenarios.filter((s) => s.passed).length,
  failed: scenarios.filter((s) => !s.passed).length,
  durationMs: 3000,
  scenarios,
});

describe('the JUnit report', () => {
  it('fails a scenario whose fault never fired as FaultNeverFired, with the reason, and lists its rules as not judged', () => {
    const xml = junitReport(report([result('rate-limited-poll', false, null)]));
    expect(xml).toContain(
      '<failure message="the fault never fired: getJob answers 429 with Retry-After: 2, once: never fired: the one getJob request (#2) was answered 401: no credentials sent" type="FaultNeverFired">',
    );
    expect(xml).toContain('--   honours-retry-after: waits');
  });

  it('says how many of the repeated runs failed, and shows the first failed one', () => {
    const merged = mergeRuns([result('rate-limited-poll', true, null), result('rate-limited-poll', true, 'honours-retry-after')]);
    const xml = junitReport(report([merged], 2));
    expect(xml).toContain('<failure message="failed 1 of 2 runs; first: honours-retry-after: came 50 ms after" type="RuleFailed">');
    expect(xml).toContain('fault: getJob answers 429 with Retry-After: 2, once: fired once: #2 getJob 429');
  });
});
