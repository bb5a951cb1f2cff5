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
        'server-error-on-create',
        'connection-reset-on-create',
        'invalid-request',
        'separate-media-host',
        'unavailable-without-retry-after',
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

  it('carry each rule in exactly the scenarios the rules table of docs/conformance.md lists for it', () => {
    const table = /<!-- rules:start -->([\s\S]*?)<!-- rules:end -->/.exec(doc)?.[1] ?? '';
    const documented = new Map<string, string[]>();
    for (const [, rules = '', , where = ''] of table.matchAll(/^\| (`[^|]+`) \| ([^|]+) \| ([^|]+) \|$/gm)) {
      const names = rules.split(' / ').map((r) => r.replace(/`/g, '').trim());
      // `a` / `b` | a-scenario / b-scenario: one list per rule; otherwise one list for all.
      const lists = names.length > 1 ? where.split(' / ') : [where];
      names.forEach((name, i) => documented.set(name, (lists[i] ?? '').split(',').map((x) => x.trim()).filter((x) => x !== '').sort()));
    }
    const actual = new Map<string, string[]>();
    for (const scenario of scenarios) for (const rule of scenario.rules) actual.set(rule.rule, [...(actual.get(rule.rule) ?? []), scenario.name].sort());
    expect(Object.fromEntries(documented)).toEqual(Object.fromEntries(actual));
  });

  it('keep real waiting short: no Retry-After the client must sit through is longer than 2 s', () => {
    for (const scenario of scenarios) {
      for (const step of scenario.arrange ?? []) {
        if (!('fault' in step) || step.fault.retry_after === undefined || step.fault.retry_after === null) continue;
        // An hour-long Retry-After is there to be refused, not waited for.
        if (scenario.name === 'rate-limited-beyond-patience') continue;
        expect(step.fault.retry_after, scenario.name).toBeLessThanOrEqual(2);
      }
      expect(scenario.timeoutMs ?? 20_000, scenario.name).toBeLessThanOrEqual(20_000);
    }
  });

  it('check that exactly one job is created in every scenario that faults a poll (a second create is a second charge)', () => {
    const faultsPolls = scenarios.filter((s) => (s.arrange ?? []).some((step) => 'fault' in step && step.fault.operation === 'getJob'));
    expect(faultsPolls.length).toBeGreaterThanOrEqual(5);
    for (const scenario of faultsPolls) expect(scenario.rules.map((r) => r.rule), scenario.name).toContain('one-create-per-job');
  });

  it('judge the backoff wherever a retry has no Retry-After to follow: a 500, a 503 without one, or a broken create', () => {
    const noRetryAfter = scenarios.filter((s) =>
      (s.arrange ?? []).some(
        (step) =>
          'fault' in step &&
          (step.fault.status === 500 || (step.fault.status === 503 && step.fault.retry_after === null) || (step.fault.operation === 'createVideo' && step.fault.socket !== undefined)),
      ),
    );
    expect(noRetryAfter.map((s) => s.name).sort()).toEqual(['connection-reset-on-create', 'server-error-on-create', 'server-error-then-success', 'unavailable-without-retry-after']);
    for (const scenario of noRetryAfter) expect(scenario.rules.map((r) => r.rule), scenario.name).toContain('backs-off');
  });

  it('ask a client on a poll for a Retry-After longer than the 1 s poll floor, so that the floor cannot hide it', () => {
    const pollRetryAfters = scenarios.flatMap((s) => (s.arrange ?? []).flatMap((step) => ('fault' in step && step.fault.operation === 'getJob' && step.fault.retry_after !== undefined && step.fault.retry_after !== null ? [step.fault.retry_after] : [])));
    expect(pollRetryAfters.length).toBeGreaterThan(0);
    for (const seconds of pollRetryAfters) expect(seconds).toBeGreaterThan(1);
  });

  it('rejects a scenario that names a rule twice, since results are kept per rule name', () => {
    const twice = { name: 'twice', title: 't', description: 'd', rules: [1, 2].map(() => ({ rule: 'r', says: 's', checks: [{ finished: true }] })) };
    expect(() => parseScenario(twice, 'twice.json')).toThrow("twice.json: rules[1]: the rule 'r' is already named above; put its checks together");
  });

  it('rejects a scenario field the schema does not know, so a typo is not silently ignored', () => {
    const typo = { name: 'typo', title: 't', description: 'd', timeout: 5000, rules: [{ rule: 'r', says: 's', checks: [{ finished: true }] }] };
    expect(() => parseScenario(typo, 'typo.json')).toThrow('typo.json: (the scenario) must NOT have additional properties (scenario.schema.json)');
  });

  it('rejects a scenario file with a check it does not know, naming the file and the place', () => {
    const bad = { name: 'bad-one', title: 't', description: 'd', rules: [{ rule: 'r', says: 's', checks: [{ within: 5 }] }] };
    expect(() => parseScenario(bad, 'bad-one.json')).toThrow('bad-one.json: rules[0].checks[0]: a check needs exactly one of count, gap, every, outcome, finished, anyOf');
  });

  it("accepts a mock whose jobs draw their timings from a distribution, as the mock's options do", () => {
    const drawn = {
      name: 'drawn',
      title: 't',
      description: 'd',
      mock: { realtime: { queuedMs: { kind: 'lognormal', medianMs: 800, sigma: 0.3 }, processingMsPerSecond: { kind: 'uniform', minMs: 100, maxMs: 300 } } },
      rules: [{ rule: 'r', says: 's', checks: [{ finished: true }] }],
    };
    expect(parseScenario(drawn, 'drawn.json').mock?.realtime).toEqual(drawn.mock.realtime);
  });

  it('rejects a timing distribution the mock would refuse, naming the file and the field', () => {
    const scenario = (queuedMs: unknown) => ({ name: 'bad', title: 't', description: 'd', mock: { realtime: { queuedMs } }, rules: [{ rule: 'r', says: 's', checks: [{ finished: true }] }] });
    expect(() => parseScenario(scenario({ kind: 'uniform', minMs: 500, maxMs: 100 }), 'bad.json')).toThrow(/^bad\.json: mock\.realtime\.queuedMs\.maxMs must be/);
    expect(() => parseScenario(scenario({ kind: 'lognormal', medianMs: 500 }), 'bad.json')).toThrow("bad.json: /mock/realtime/queuedMs must have required property 'sigma' (scenario.schema.json)");
    expect(() => parseScenario(scenario({ kind: 'normal', medianMs: 500 }), 'bad.json')).toThrow('bad.json: /mock/realtime/queuedMs/kind must be equal to one of the allowed values (scenario.schema.json)');
    expect(() => parseScenario(scenario(0), 'bad.json')).toThrow('bad.json: /mock/realtime/queuedMs must be >= 1 (scenario.schema.json)');
  });
});
