import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatScenario } from '../../src/conformance/format-report.js';
import { runConformance, type ConformanceReport } from '../../src/conformance/run-conformance.js';

/** The results table of docs/conformance.md, between its openai-results markers: scenario -> pass|fail. */
function documentedResults(): Record<string, string> {
  const doc = readFileSync(new URL('../../docs/conformance.md', import.meta.url), 'utf8');
  const table = /<!-- openai-results:start -->([\s\S]*?)<!-- openai-results:end -->/.exec(doc)?.[1] ?? '';
  const results: Record<string, string> = {};
  for (const [, name, result] of table.matchAll(/^\|\s*`([a-z0-9-]+)`\s*\|\s*(pass|fail)\s*\|/gm)) {
    if (name !== undefined && result !== undefined) results[name] = result;
  }
  return results;
}

describe('the openai SDK adapter', () => {
  let report: ConformanceReport;
  beforeAll(async () => {
    report = await runConformance({ adapter: 'openai' });
  }, 180_000);

  it('passes and fails exactly the scenarios docs/conformance.md says it does', () => {
    const documented = documentedResults();
    expect(Object.keys(documented).length).toBeGreaterThan(0);
    const actual = Object.fromEntries(report.scenarios.map((s) => [s.name, s.passed ? 'pass' : 'fail']));
    expect(actual, report.scenarios.map((s) => formatScenario(s)).join('\n')).toEqual(documented);
  });

  it('has the score the README states', () => {
    const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(`--adapter openai                 # the openai npm SDK: ${report.passed} of ${report.scenarios.length}`);
  });

  const failedRules = (name: string): string[] =>
    report.scenarios.find((s) => s.name === name)?.rules.filter((r) => !r.passed).map((r) => r.rule) ?? ['(scenario missing)'];

  it('fails rate-limited-beyond-patience only because it sleeps through an hour-long Retry-After', () => {
    const scenario = report.scenarios.find((s) => s.name === 'rate-limited-beyond-patience');
    expect(failedRules('rate-limited-beyond-patience')).toEqual(['bounds-retry-after-wait']);
    expect(scenario?.run?.timedOut).toBe(true);
    expect(scenario?.journal.filter((e) => e.operation === 'createVideo').map((e) => e.status)).toEqual([429]);
  });

  it('fails separate-media-host only because it sends its key with the download', () => {
    const scenario = report.scenarios.find((s) => s.name === 'separate-media-host');
    expect(failedRules('separate-media-host')).toEqual(['keeps-key-off-media-host']);
    expect(scenario?.journal.filter((e) => e.operation === 'downloadJobMedia').map((e) => e.credentials)).toEqual([['authorization']]);
  });

  it('fails truncated-poll-body only because it does not retry a body cut off after the headers', () => {
    const scenario = report.scenarios.find((s) => s.name === 'truncated-poll-body');
    expect(failedRules('truncated-poll-body')).toEqual(['retries-transient-errors']);
    expect(scenario?.outcome?.error?.kind).toBe('connection');
    expect(scenario?.journal.filter((e) => e.operation === 'getJob').map((e) => e.fault)).toEqual(['socket:truncated']);
  });
});
