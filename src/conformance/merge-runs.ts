import type { ScenarioResult } from './run-conformance.js';

const median = (sorted: readonly number[]): number => {
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : Math.round(((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2);
};

/** Several runs of one scenario as one result: the first failed run (or the last run), with the tally. */
export function mergeRuns(runs: readonly ScenarioResult[]): ScenarioResult {
  const shown = runs.find((r) => !r.passed) ?? runs.at(-1);
  if (shown === undefined) throw new Error('mergeRuns needs at least one run');
  if (runs.length === 1) return shown;
  const names = [...new Set(runs.flatMap((r) => r.rules.map((rule) => rule.rule)))];
  const rules = names.map((rule) => ({
    rule,
    failedRuns: runs.filter((r) => r.rules.some((x) => x.rule === rule && x.judged && !x.passed)).length,
  }));
  const judgedRuns = (rule: string): number => runs.filter((r) => r.rules.some((x) => x.rule === rule && x.judged)).length;
  const durations = runs.map((r) => r.durationMs).sort((a, b) => a - b);
  const failedRuns = runs.filter((r) => !r.passed).length;
  return {
    ...shown,
    passed: failedRuns === 0,
    repeats: {
      runs: runs.length,
      failedRuns,
      unfiredRuns: runs.filter((r) => r.error === null && r.fault.fired === false).length,
      erroredRuns: runs.filter((r) => r.error !== null).length,
      rules,
      flaky: rules.filter((r) => r.failedRuns > 0 && r.failedRuns < judgedRuns(r.rule)).map((r) => r.rule),
      durationMs: { min: durations[0] as number, median: median(durations), max: durations.at(-1) as number },
    },
  };
}
