import { getResponse } from 'msw';
import { describe, expect, it } from 'vitest';
import { createHandlers } from '../../mocks/msw.js';
import { dialectPoints, namedDialects } from '../../src/contract/dialects.js';
import { createUrlTarget, runSuite, type FetchFunction, type SuiteReport } from '../../src/verify/index.js';
import { TEST_SEED } from './contract-suite.js';
import { TEST_KEY, virtualClock } from './targets.js';

// The drift property: the mock in dialect D, run through the whole contract suite, is named D at every
// point, and passes every check, judged in D (the dialect it declares) and in the dialect each answer
// shows (as the live gateway is judged). Few runs per property: the point is the dialect, not depth.
const RUNS = 3;

async function suiteOn(dialect: string, judgedAs: string | null | undefined): Promise<SuiteReport> {
  const baseUrl = 'http://127.0.0.1:4010/v1';
  const handlers = createHandlers({ baseUrl, timing: 'steps', dialect, now: virtualClock().now });
  const routed: FetchFunction = async (input, init) => {
    const response = await getResponse(handlers, new Request(input, init));
    if (response === undefined) throw new TypeError('no handler');
    if (response.type === 'error') throw new TypeError('network error (msw)');
    return response;
  };
  const target = await createUrlTarget({ name: `msw-${dialect}`, baseUrl, apiKey: TEST_KEY, fetch: routed, ...(judgedAs === undefined ? {} : { dialect: judgedAs }) });
  return runSuite(target, { runs: RUNS, seed: TEST_SEED });
}

const failures = (report: SuiteReport): string[] =>
  report.results.filter((r) => r.status === 'failed').map((r) => `${r.name}: ${r.status === 'failed' ? r.failure.message : ''}`);

process.stdout.write(`dialect drift property: seed ${TEST_SEED} (replay: AIGW_SEED=${TEST_SEED} npx vitest run test/contract/dialects.test.ts)\n`);

describe.each(Object.values(namedDialects))('the contract suite against the mock in the $name dialect', (dialect) => {
  it('names the dialect exactly and passes every check, judged in the dialect the mock declares', async () => {
    const report = await suiteOn(dialect.name, undefined);
    expect(failures(report)).toEqual([]);
    expect(report.dialect?.declared).toBe(dialect.name);
    expect(report.dialect?.name).toBe(dialect.name);
    expect(report.dialect?.points.filter((p) => p.conflicting === true)).toEqual([]);
    // Every point is seen (where no cancel route exists, the statuses point is settled by the closest named dialect).
    expect(report.dialect?.points.filter((p) => !p.observed)).toEqual([]);
    for (const point of dialectPoints) expect(report.drift.find((r) => r.id === point.id)?.choice, point.id).toBe(dialect.choices[point.id]);
  });

  it('names it and passes every check judged in the dialect each answer shows, as a live target is', async () => {
    const report = await suiteOn(dialect.name, null);
    expect(failures(report)).toEqual([]);
    expect(report.dialect?.declared).toBeNull();
    expect(report.dialect?.name).toBe(dialect.name);
  });
});

describe('a target judged in a dialect it does not speak', () => {
  it('fails: the docs-pages mock judged as union breaks the schemas and the dialect it is held to', async () => {
    const report = await suiteOn('docs', 'union');
    const failed = report.results.filter((r) => r.status === 'failed').map((r) => r.name);
    expect(failed).toEqual(expect.arrayContaining(['response_schema_conformance', 'lifecycle_monotonic', 'speaks_one_dialect']));
    expect(report.dialect?.name).toBe('docs');
    expect(report.dialect?.declared).toBe('union');
  });

  it('fails on one point alone: a mock that throttles polls, held to a dialect that does not', async () => {
    const report = await suiteOn('union,fast-poll=304', 'union');
    const failed = report.results.filter((r) => r.status === 'failed');
    expect(failed.map((r) => r.name)).toContain('speaks_one_dialect');
    expect(report.dialect?.name).toBe('union,fast-poll=304');
  });
});
