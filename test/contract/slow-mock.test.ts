import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer, type RunningMockServer } from '../../mocks/express.js';
import { createUrlTarget, runSuite } from '../../src/verify/index.js';
import { TEST_SEED } from './contract-suite.js';
import { TEST_KEY, virtualClock } from './targets.js';

// `serve --profile` of a gateway whose jobs take minutes is a mock whose jobs take minutes: the suite
// follows them to their end on the mock's clock, as it follows a default mock's (whose longest job
// ends in 9 s), not only for the 2 minutes a default mock's jobs could take.
describe('the contract suite against a mock whose jobs take minutes', () => {
  let mock: RunningMockServer;
  beforeAll(async () => {
    mock = await startMockServer({ port: 0, log: null, now: virtualClock().now, realtime: { queuedMs: 90_000, processingMsPerSecond: 15_000 } });
  });
  afterAll(async () => {
    await mock?.close();
  });

  it('follows every job to its end and passes the lifecycle checks', async () => {
    const target = await createUrlTarget({ name: 'slow', baseUrl: mock.url, apiKey: TEST_KEY });
    const only = ['lifecycle_monotonic', 'terminal_absorbing', 'completed_has_result', 'result_matches_request'];
    const report = await runSuite(target, { runs: 3, seed: TEST_SEED, only });
    expect(report.results.map((r) => [r.name, r.status === 'failed' ? r.failure.message : r.status])).toEqual(only.map((name) => [name, 'passed']));
  });
});
