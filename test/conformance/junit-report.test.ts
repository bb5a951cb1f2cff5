import { describe, expect, it } from 'vitest';
import { junitReport } from '../../src/conformance/junit-report.js';
import { mergeRuns } from '../../src/conformance/merge-runs.js';
import type { ScenarioResult } from '../../src/conformance/run-conformance.js';
import { conformanceReport, scenarioResult } from './synthetic-results.js';

const result = (name: string, fired: boolean, failedRule: string | null): ScenarioResult =>
  scenarioResult({
    name,
    rules: ['honours-retry-after'],
    failed: failedRule === null ? [] : [failedRule],
    fault: {
      says: 'getJob answers 429 with Retry-After: 2, once',
      fired,
      detail: fired ? 'fired once: #2 getJob 429' : 'never fired: the one getJob request (#2) was answered 401: no credentials sent',
    },
  });

describe('the JUnit report', () => {
  it('fails a scenario whose fault never fired as FaultNeverFired, with the reason, and lists its rules as not judged', () => {
    const xml = junitReport(conformanceReport([result('rate-limited-poll', false, null)]));
    expect(xml).toContain(
      '<failure message="the fault never fired: getJob answers 429 with Retry-After: 2, once: never fired: the one getJob request (#2) was answered 401: no credentials sent" type="FaultNeverFired">',
    );
    expect(xml).toContain('--   honours-retry-after: honours-retry-after says');
  });

  it('says how many of the repeated runs failed, and shows the first failed one', () => {
    const merged = mergeRuns([result('rate-limited-poll', true, null), result('rate-limited-poll', true, 'honours-retry-after')]);
    const xml = junitReport(conformanceReport([merged], 2));
    expect(xml).toContain('<failure message="failed 1 of 2 runs; first: honours-retry-after: honours-retry-after failed here" type="RuleFailed">');
    expect(xml).toContain('fault: getJob answers 429 with Retry-After: 2, once: fired once: #2 getJob 429');
  });
});
