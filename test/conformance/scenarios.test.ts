import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadScenarios, parseScenario } from '../../src/conformance/scenario.js';

const scenarios = loadScenarios();
const doc = readFileSync(new URL('../../docs/conformance.md', import.meta.url), 'utf8');

describe('the shipped scenarios', () => {
  it('cover every behaviour the issue asks for, each in its own file', () => {
    expect(scenarios.map((s) => s.name)).toEqual(
      expect.arrayContaining([
        'happy-path',
        'failed-job',
        'unauthorized',
        'insufficient-credits',
        'unknown-job',
        'rate-limited-create',
        'rate-limited-poll',
        'server-error-then-success',
        'unavailable-then-success',
        'unavailable-forever',
        'slow-job',
        'connection-reset-on-poll',
        'malformed-poll-body',
      ]),
    );
    expect(new Set(scenarios.map((s) => s.name)).size).toBe(scenarios.length);
  });

  it('are each documented in docs/conformance.md, with every rule they use', () => {
    for (const scenario of scenarios) {
      expect(doc, scenario.name).toContain(`\`${scenario.name}\``);
      for (const rule of scenario.rules) expect(doc, `${scenario.name}: ${rule.rule}`).toContain(rule.rule);
    }
  });

  it('keep real waiting short: no Retry-After the client must sit through is longer than 2 s', () => {
    for (const scenario of scenarios) {
      for (const step of scenario.arrange ?? []) {
        if (!('fault' in step) || step.fault.retry_after === undefined) continue;
        // An hour-long Retry-After is there to be refused, not waited for.
        if (scenario.name === 'rate-limited-beyond-patience') continue;
        expect(step.fault.retry_after, scenario.name).toBeLessThanOrEqual(2);
      }
      expect(scenario.timeoutMs ?? 20_000, scenario.name).toBeLessThanOrEqual(20_000);
    }
  });

  it('rejects a scenario field the schema does not know, so a typo is not silently ignored', () => {
    const typo = { name: 'typo', title: 't', description: 'd', timeout: 5000, rules: [{ rule: 'r', says: 's', checks: [{ finished: true }] }] };
    expect(() => parseScenario(typo, 'typo.json')).toThrow('typo.json: (the scenario) must NOT have additional properties (scenario.schema.json)');
  });

  it('rejects a scenario file with a check it does not know, naming the file and the place', () => {
    const bad = { name: 'bad-one', title: 't', description: 'd', rules: [{ rule: 'r', says: 's', checks: [{ within: 5 }] }] };
    expect(() => parseScenario(bad, 'bad-one.json')).toThrow('bad-one.json: rules[0].checks[0]: a check needs exactly one of count, gap, every, outcome, finished, anyOf');
  });
});
