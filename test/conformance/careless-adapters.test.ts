import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { formatScenario } from '../../src/conformance/format-report.js';
import { runConformance } from '../../src/conformance/run-conformance.js';
import { loadScenarios } from '../../src/conformance/scenario.js';

const adapter = (file: string): string => `'${process.execPath}' '${fileURLToPath(new URL(`./adapters/${file}`, import.meta.url))}'`;

/**
 * Each careless adapter is careful-adapter.mjs with one defect, which breaks one rule: it must be
 * caught by that rule in every scenario carrying it, and by nothing else. `only` narrows "every
 * scenario" for a defect that concerns some of a rule's scenarios (polls, where the rest fault creates).
 */
const careless: Array<{ file: string; breaks: string; only?: string[] }> = [
  { file: 'retries-401.mjs', breaks: '401-not-retried' },
  { file: 'retries-400.mjs', breaks: '400-not-retried' },
  { file: 'ignores-retry-after.mjs', breaks: 'honours-retry-after' },
  { file: 'ignores-retry-after-on-polls.mjs', breaks: 'honours-retry-after', only: ['rate-limited-poll'] },
  { file: 'never-gives-up.mjs', breaks: 'gives-up-on-endless-errors' },
  { file: 'never-retries.mjs', breaks: 'retries-transient-errors' },
  { file: 'no-backoff.mjs', breaks: 'backs-off' },
  { file: 'waits-only-when-told.mjs', breaks: 'backs-off', only: ['unavailable-without-retry-after'] },
  { file: 'recreates-on-poll-failure.mjs', breaks: 'one-create-per-job' },
  { file: 'tight-poll-loop.mjs', breaks: 'polls-no-faster-than-floor' },
  { file: 'swallows-failed-job.mjs', breaks: 'surfaces-failed-job' },
  { file: 'trusts-malformed-poll.mjs', breaks: 'handles-malformed-bodies' },
  { file: 'sends-key-to-media-host.mjs', breaks: 'keeps-key-off-media-host' },
];

const scenarios = loadScenarios();
const report = (scenarioResults: Awaited<ReturnType<typeof runConformance>>['scenarios']): string => scenarioResults.map((s) => formatScenario(s)).join('\n');

describe('the kit against deliberately careless adapters', () => {
  it.concurrent('passes the careful adapter the careless ones are made from, in every scenario', async () => {
    const result = await runConformance({ adapter: adapter('careful-adapter.mjs'), concurrency: 2 });
    expect(result.scenarios.filter((s) => !s.passed).map((s) => formatScenario(s))).toEqual([]);
    // Every fault the scenarios arm met the careful client: none passed for want of a fault.
    expect(result.scenarios.filter((s) => s.fault.fired === false).map((s) => s.name)).toEqual([]);
  }, 180_000);

  for (const { file, breaks, only } of careless) {
    const where = only === undefined ? 'every scenario' : only.join(', ');
    it.concurrent(`catches ${file} with the rule ${breaks} in ${where} with that rule, and nowhere else`, async () => {
      const result = await runConformance({ adapter: adapter(file), concurrency: 2 });
      const expected = scenarios.filter((s) => s.rules.some((r) => r.rule === breaks) && (only?.includes(s.name) ?? true)).map((s) => s.name);
      expect(expected.length).toBeGreaterThan(0);
      const failing = result.scenarios.filter((s) => !s.passed);
      expect(failing.map((s) => s.name), report(result.scenarios)).toEqual(expected);
      for (const scenario of failing) {
        expect(scenario.fault.fired, formatScenario(scenario)).not.toBe(false);
        expect(scenario.rules.filter((r) => !r.passed).map((r) => r.rule), formatScenario(scenario)).toEqual([breaks]);
      }
    }, 180_000);
  }

  it.concurrent('says a fault never fired, and why, rather than blame a rule that had nothing to measure', async () => {
    // Sends no key on polls: the mock answers them 401 before the armed poll faults can fire.
    const result = await runConformance({
      adapter: adapter('no-key-on-polls.mjs'),
      only: ['happy-path', 'rate-limited-poll', 'server-error-then-success'],
      concurrency: 3,
    });
    const [happy, rateLimited, serverError] = result.scenarios;
    expect(happy?.rules.filter((r) => !r.passed).map((r) => r.rule)).toContain('identifies-itself');
    for (const scenario of [rateLimited, serverError]) {
      const text = formatScenario(scenario ?? expect.fail('missing scenario'));
      expect(scenario?.passed, text).toBe(false);
      expect(scenario?.fault.fired, text).toBe(false);
      expect(scenario?.fault.faults[0]?.detail, text).toMatch(/^never fired: the one getJob request \(#2\) was answered 401: no credentials sent/);
      expect(scenario?.rules.every((r) => !r.judged), text).toBe(true);
      expect(text).toContain('the rules are not judged');
      expect(text).not.toContain('to measure from');
      expect(text).not.toMatch(/FAIL rule/);
    }
  }, 180_000);
});
