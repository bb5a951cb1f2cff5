import { describe, expect, it } from 'vitest';
import { formatReport } from '../../src/conformance/format-report.js';
import { mergeRuns } from '../../src/conformance/merge-runs.js';
import type { ConformanceReport, ScenarioResult } from '../../src/conformance/run-conformance.js';

const FAULT = { says: 'createVideo answers 500, the first 2 times' };

/** A run of `backs-off-scenario` in which the named rules failed (and, unless `fired` is false, the fault fired). */
const run = (failed: string[], durationMs: number, fired = true): ScenarioResult => {
  const judged = fired;
  const rules = ['backs-off', 'retries-transient-errors'].map((rule) => ({
    rule,
    says: `${rule} says`,
    passed: judged && !failed.includes(rule),
    judged,
    checks: [{ ok: !failed.includes(rule), detail: failed.includes(rule) ? `${rule} failed here` : `${rule} held` }],
  }));
  return {
    name: 'backs-off-scenario',
    title: 'a scenario',
    description: 'd',
    passed: judged && failed.length === 0,
    durationMs,
    fault: { fired, faults: [{ ...FAULT, fired: fired ? 2 : 0, detail: fired ? 'fired 2 times: #1 createVideo 500, #2 createVideo 500' : 'never fired: no request reached the mock' }] },
    rules,
    journal: [],
    startedAt: 0,
    outcome: { ok: true },
    outcomeProblem: null,
    run: null,
    error: null,
    repeats: null,
  };
};

const report = (scenarios: ScenarioResult[], repeat: number): ConformanceReport => ({
  adapter: 'node a.mjs',
  command: 'node a.mjs',
  repeat,
  passed: scenarios.filter((s) => s.passed).length,
  failed: scenarios.filter((s) => !s.passed).length,
  durationMs: 4000,
  scenarios,
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
    const flaky = formatReport(report([mergeRuns([run([], 1000), run(['backs-off'], 1000)])], 2));
    expect(flaky).toContain('FAIL backs-off-scenario: a scenario (failed 1 of 2 runs; the first failed run below)');
    expect(flaky).toContain('runs: rule backs-off failed in 1 of 2 (flaky: it passed in the others)');
    expect(flaky).toContain('FAIL rule backs-off: backs-off says');
    expect(flaky).toContain('0 of 1 scenario passed all 2 runs, 1 failed, in 4.0 s\nflaky rules: backs-off in backs-off-scenario (failed 1 of 2)\n');
    const steady = formatReport(report([mergeRuns([run([], 1000), run([], 3000)])], 2));
    expect(steady).toContain('PASS backs-off-scenario: a scenario (2 runs, 2.0 s median)');
    expect(steady).toContain('flaky rules: none');
  });

  it('says in the report when the fault never fired, and leaves the rules unjudged', () => {
    const text = formatReport(report([run([], 1000, false)], 1));
    expect(text).toContain('fault: createVideo answers 500, the first 2 times: never fired: no request reached the mock');
    expect(text).toContain('the rules are not judged');
    expect(text).not.toContain('FAIL rule');
  });
});
