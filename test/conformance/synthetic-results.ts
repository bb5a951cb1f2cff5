import type { ConformanceReport, ScenarioResult } from '../../src/conformance/run-conformance.js';

/**
 * A scenario result written by hand, for the tests of what is built from results (merged runs, the
 * text and JUnit reports): a fault that fired or not, and one passing or failing check per rule.
 */
export function scenarioResult(options: {
  name: string;
  rules: string[];
  failed: string[];
  fault: { says: string; fired: boolean; detail: string };
  durationMs?: number;
}): ScenarioResult {
  const { fired } = options.fault;
  return {
    name: options.name,
    dialect: 'union',
    title: `${options.name} title`,
    description: 'written in the test',
    passed: fired && options.failed.length === 0,
    durationMs: options.durationMs ?? 1000,
    fault: { fired, faults: [{ says: options.fault.says, fired: fired ? 1 : 0, detail: options.fault.detail }] },
    rules: options.rules.map((rule) => {
      const held = !options.failed.includes(rule);
      return { rule, says: `${rule} says`, passed: fired && held, judged: fired, checks: [{ ok: held, detail: held ? `${rule} held` : `${rule} failed here` }] };
    }),
    journal: [],
    startedAt: 0,
    outcome: { ok: true },
    outcomeProblem: null,
    run: null,
    error: null,
    repeats: null,
  };
}

/** The report of an adapter over these (already merged) results. */
export const conformanceReport = (scenarios: ScenarioResult[], repeat = 1): ConformanceReport => ({
  adapter: 'node a.mjs',
  command: 'node a.mjs',
  repeat,
  dialect: 'union',
  passed: scenarios.filter((s) => s.passed).length,
  failed: scenarios.filter((s) => !s.passed).length,
  durationMs: 4000,
  scenarios,
});
