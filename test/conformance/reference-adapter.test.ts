import { describe, expect, it } from 'vitest';
import { formatScenario } from '../../src/conformance/format-report.js';
import { runConformance } from '../../src/conformance/run-conformance.js';
import { loadScenarios } from '../../src/conformance/scenario.js';

describe('the reference adapter (src/client)', () => {
  it('passes every scenario of the kit', async () => {
    const report = await runConformance({ adapter: 'reference' });
    expect(report.scenarios.map((s) => s.name)).toEqual(loadScenarios().map((s) => s.name));
    // The failing scenarios' reports (rules, timeline, outcome) are the message when this fails.
    expect(report.scenarios.filter((s) => !s.passed).map((s) => formatScenario(s))).toEqual([]);
  }, 180_000);
});
