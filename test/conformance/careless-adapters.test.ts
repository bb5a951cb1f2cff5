import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatScenario } from '../../src/conformance/format-report.js';
import { runConformance } from '../../src/conformance/run-conformance.js';
import { loadScenarios } from '../../src/conformance/scenario.js';

const adapter = (file: string): string => `'${process.execPath}' '${fileURLToPath(new URL(`./adapters/${file}`, import.meta.url))}'`;

/** Each careless adapter is careful-adapter.mjs with one defect, which breaks one rule. */
const careless = [
  { file: 'retries-401.mjs', breaks: '401-not-retried' },
  { file: 'ignores-retry-after.mjs', breaks: 'honours-retry-after' },
  { file: 'never-gives-up.mjs', breaks: 'gives-up-on-endless-errors' },
  { file: 'tight-poll-loop.mjs', breaks: 'polls-no-faster-than-floor' },
  { file: 'swallows-failed-job.mjs', breaks: 'surfaces-failed-job' },
];

const scenarios = loadScenarios();

describe('the kit against deliberately careless adapters', () => {
  it.concurrent('passes the careful adapter the careless ones are made from, in every scenario', async () => {
    const report = await runConformance({ adapter: adapter('careful-adapter.mjs'), concurrency: 2 });
    expect(report.scenarios.filter((s) => !s.passed).map((s) => formatScenario(s))).toEqual([]);
  }, 180_000);

  for (const { file, breaks } of careless) {
    it.concurrent(`catches ${file} in every scenario with the rule ${breaks}, and in no other`, async () => {
      const report = await runConformance({ adapter: adapter(file), concurrency: 2 });
      const expected = scenarios.filter((s) => s.rules.some((r) => r.rule === breaks)).map((s) => s.name);
      expect(expected.length).toBeGreaterThan(0);
      const failing = report.scenarios.filter((s) => !s.passed);
      expect(failing.map((s) => s.name), report.scenarios.map((s) => formatScenario(s)).join('\n')).toEqual(expected);
      for (const scenario of failing) {
        expect(scenario.rules.filter((r) => !r.passed).map((r) => r.rule), formatScenario(scenario)).toEqual([breaks]);
      }
    }, 180_000);
  }
});
