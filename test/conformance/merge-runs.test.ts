import { describe, expect, it } from 'vitest';
import { formatReport } from '../../src/conformance/format-report.js';
import { mergeRuns } from '../../src/conformance/merge-runs.js';
import type { ScenarioResult } from '../../src/conformance/run-conformance.js';
import { conformanceReport, scenarioResult } from './synthetic-results.js';

/** A run of `backs-off-scenario` in which the named rules failed (and, unless `fired` is false, the fault fired). */
const run = (failed: string[], durationMs: number, fired = true): ScenarioResult =>
  scenarioResult({
    name: 'backs-off-scenario',
    rules: ['backs-off', 'retries-transient-errors'],
    failed,
    durationMs,
    fault: {
      says: 'createVideo answers 500, the first 2 times',
      fired,
      detail: fired ? 'fired 2 times: #1 createVideo 500, #2 createVideo 500' : 'never fired: no request reached the mock',
    },
  });

describe('repeated runs of a scenario', () => {
  it('is one run, unchanged, when it ran once', () => {
    const only = run([], 1000);
    expect(mergeRuns([only])).toBe(only);
  });

  it('passes only when every run passed, and tallies the durations', () => {
    const merged = mergeRuns([run([], 1000), run([], 3000), run([], 2000)]);
    expect(merged.passed).toBe(true);
    expect(merged.repeats).toEqual({
      runs: 3,
      failedRuns: 0,
      unfiredRuns: 0,
      erroredRuns: 0,
      rules: [
        { rule: 'backs-off', failedRuns: 0 },
        { rule: 'retries-transient-errors', failedRuns: 0 },
      ],
      flaky: [],
      durationMs: { min: 1000, median: 2000, max: 3000 },
    });
  });

  it('calls a rule flaky when it failed in some runs and passed in others, and shows the first failed run', () => {
    const firstFailure = run(['backs-off'], 1100);
    const merged = mergeRuns([run([], 1000), firstFailure, run(['backs-off'], 1200), run(['retries-transient-errors', 'backs-off'], 900)]);
    expect(merged.passed).toBe(false);
    expect(merged.durationMs).toBe(firstFailure.durationMs);
    expect(merged.repeats?.flaky).toEqual(['backs-off', 'retries-transient-errors']);
    expect(merged.repeats?.rules).toEqual([
      { rule: 'backs-off', failedRuns: 3 },
      { rule: 'retries-transient-errors', failedRuns: 1 },
    ]);
  });

  it('does not call a rule that failed in every run flaky, nor count a run whose fault never fired as a rule failure', () => {
    const merged = mergeRuns([run(['backs-off'], 1000), run(['backs-off'], 1000), run([], 1000, false)]);
    expect(merged.repeats).toMatchObject({ failedRuns: 3, unfiredRuns: 1, flaky: [], rules: [{ rule: 'backs-off', failedRuns: 2 }, { rule: 'retries-transient-errors', failedRuns: 0 }] });
  });

  it('reports the flaky rules of the whole run, and says so when there are none', () => {
    const flaky = formatReport(conformanceReport([mergeRuns([run([], 1000), run(['backs-off'], 1000)])], 2));
    expect(flaky).toContain('FAIL backs-off-scenario: backs-off-scenario title (failed 1 of 2 runs; the first failed run below)');
    expect(flaky).toContain('runs: rule backs-off failed in 1 of 2 (flaky: it passed in the others)');
    expect(flaky).toContain('FAIL rule backs-off: backs-off says');
    expect(flaky).toContain('0 of 1 scenario passed all 2 runs, 1 failed, in 4.0 s\nflaky rules: backs-off in backs-off-scenario (failed 1 of 2)\n');
    const steady = formatReport(conformanceReport([mergeRuns([run([], 1000), run([], 3000)])], 2));
    expect(steady).toContain('PASS backs-off-scenario: backs-off-scenario title (2 runs, 2.0 s median)');
    expect(steady).toContain('flaky rules: none');
  });

  it('says in the report when the fault never fired, and leaves the rules unjudged', () => {
    const text = formatReport(conformanceReport([run([], 1000, false)], 1));
    expect(text).toContain('fault: createVideo answers 500, the first 2 times: never fired: no request reached the mock');
    expect(text).toContain('the rules are not judged');
    expect(text).not.toContain('FAIL rule');
  });
});
