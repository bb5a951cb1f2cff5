import { describe, expect, it } from 'vitest';
import { evaluateCheck, judgeRules, type Evidence } from '../../src/conformance/judge-scenario.js';
import type { JournalEntry } from '../../src/sim/store.js';

const entry = (seq: number, time: number, operation: string, status: number, fault: string | null = null): JournalEntry => ({
  seq,
  time,
  method: operation === 'createVideo' ? 'POST' : 'GET',
  path: operation === 'createVideo' ? '/v1/videos/generations' : '/v1/jobs/job_1',
  operation,
  status,
  duration_ms: 1,
  key: 'key_abc',
  request_id: `req_${seq}`,
  job_id: 'job_1',
  fault,
  headers: { 'user-agent': 'test/1' },
  credentials: operation === 'downloadJobMedia' ? [] : ['authorization'],
});

const evidence = (journal: JournalEntry[], outcome: Evidence['outcome'] = { ok: true }, timedOut = false): Evidence => ({
  journal,
  outcome,
  outcomeProblem: outcome === null ? 'the adapter printed nothing on stdout' : null,
  run: { exitCode: timedOut ? null : 0, signal: timedOut ? 'SIGKILL' : null, timedOut, durationMs: 1200, stdout: '', stderr: '' },
  facts: { key: 'key_abc', job: { id: 'job_1', error: { code: 'upstream_error' } } },
});

describe('judging a scenario', () => {
  it('fails a gap check with the two requests and the gap it measured', () => {
    const journal = [entry(1, 1000, 'createVideo', 429, 'armed'), entry(2, 1300, 'createVideo', 202)];
    const result = evaluateCheck({ gap: { after: { operation: 'createVideo', status: 429 }, next: { operation: 'createVideo' }, minMs: 2000 } }, evidence(journal));
    expect(result.ok).toBe(false);
    expect(result.detail).toBe('#2 createVideo 202 came 300 ms after #1 createVideo 429 (needs >= 2000 ms)');
  });

  it('forgives a gap a few milliseconds short, which is timer rounding and not impatience', () => {
    const journal = [entry(1, 1000, 'getJob', 429, 'armed'), entry(2, 1999, 'getJob', 200)];
    const check = { gap: { after: { operation: 'getJob' as const, status: 429 }, next: { operation: 'getJob' as const }, minMs: 1000 } };
    expect(evaluateCheck(check, evidence(journal)).ok).toBe(true);
  });

  it('passes a gap check when no retry follows and none is required', () => {
    const journal = [entry(1, 1000, 'createVideo', 429, 'armed')];
    const check = { gap: { after: { operation: 'createVideo' as const, status: 429 }, next: { operation: 'createVideo' as const }, minMs: 2000, requireNext: false } };
    expect(evaluateCheck(check, evidence(journal)).ok).toBe(true);
  });

  it('counts only the requests the selector names', () => {
    const journal = [entry(1, 0, 'createVideo', 202), entry(2, 10, 'getJob', 0, 'socket:reset'), entry(3, 20, 'getJob', 200)];
    expect(evaluateCheck({ count: { operation: 'getJob', fault: true }, min: 1, max: 1 }, evidence(journal))).toEqual({
      ok: true,
      detail: 'getJob faulted requests: 1 (needs exactly 1)',
    });
    expect(evaluateCheck({ count: { operation: 'createVideo' }, max: 0 }, evidence(journal)).ok).toBe(false);
  });

  it('compares outcome fields with literals, facts and patterns', () => {
    const outcome = { ok: false, error: { kind: 'job_failed' as const, code: 'upstream_error', message: 'Insufficient credits' } };
    const check = { outcome: { ok: false, 'error.code': '$job.error.code', 'error.message': { matches: 'credit' } } };
    expect(evaluateCheck(check, evidence([], outcome)).ok).toBe(true);
    const wrong = { ...outcome, error: { ...outcome.error, code: 'generation_timeout' } };
    expect(evaluateCheck(check, evidence([], wrong)).detail).toBe('outcome error.code is "generation_timeout", needs $job.error.code = "upstream_error"');
  });

  it('fails every outcome check of an adapter that printed no outcome, saying why', () => {
    expect(evaluateCheck({ outcome: { ok: true } }, evidence([], null))).toEqual({ ok: false, detail: 'no outcome: the adapter printed nothing on stdout' });
  });

  it('tells an adapter that finished from one that had to be stopped', () => {
    expect(evaluateCheck({ finished: true }, evidence([])).ok).toBe(true);
    expect(evaluateCheck({ finished: true }, evidence([], null, true)).detail).toBe("the adapter was stopped after 1200 ms (the scenario's timeout)");
    expect(evaluateCheck({ anyOf: [{ finished: false }, { outcome: { ok: false } }] }, evidence([], null, true)).ok).toBe(true);
  });

  it('checks that every selected request carried the header and the scenario key', () => {
    const journal = [entry(1, 0, 'createVideo', 202), { ...entry(2, 5, 'getJob', 200), headers: {} }];
    const result = evaluateCheck({ every: { operation: ['createVideo', 'getJob'] }, header: 'user-agent', sentKey: true }, evidence(journal));
    expect(result).toEqual({ ok: false, detail: '#2 getJob 200 was sent without a user-agent header' });
  });

  it('counts the requests that carried credentials, naming each one and where it went when there are too many', () => {
    const journal = [
      entry(1, 0, 'createVideo', 202),
      { ...entry(2, 5, 'downloadJobMedia', 200), headers: { host: 'localhost:4010' }, credentials: ['authorization' as const] },
      entry(3, 9, 'downloadJobMedia', 200),
    ];
    const check = { count: { operation: 'downloadJobMedia' as const, credentials: true }, max: 0 };
    expect(evaluateCheck(check, evidence(journal))).toEqual({
      ok: false,
      detail: 'downloadJobMedia requests with credentials: 1 (needs none): #2 downloadJobMedia 200 (authorization to localhost:4010)',
    });
    expect(evaluateCheck({ count: { operation: 'downloadJobMedia', credentials: false }, min: 1, max: 1 }, evidence(journal)).detail).toBe(
      'downloadJobMedia requests without credentials: 1 (needs exactly 1)',
    );
    expect(evaluateCheck(check, evidence([entry(1, 0, 'createVideo', 202), entry(2, 9, 'downloadJobMedia', 200)])).ok).toBe(true);
  });

  it('passes a rule only when all its checks pass', () => {
    const journal = [entry(1, 0, 'createVideo', 401)];
    const [rule] = judgeRules(
      [{ rule: '401-not-retried', says: 'sent once', checks: [{ count: { operation: 'createVideo' }, min: 1, max: 1 }, { outcome: { ok: true } }] }],
      evidence(journal, { ok: false }),
    );
    expect(rule?.passed).toBe(false);
    expect(rule?.checks.map((c) => c.ok)).toEqual([true, false]);
  });
});

describe('judging a scenario whose fault never fired', () => {
  it('runs the checks but passes no rule, and marks every rule as not judged', () => {
    const rules = [{ rule: 'completes', says: 'it completes', checks: [{ outcome: { ok: true } }] }];
    const [judged] = judgeRules(rules, evidence([]));
    const [notJudged] = judgeRules(rules, evidence([]), false);
    expect(judged).toMatchObject({ passed: true, judged: true });
    expect(notJudged).toMatchObject({ passed: false, judged: false, checks: [{ ok: true }] });
  });
});
