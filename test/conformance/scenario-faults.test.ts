import { describe, expect, it } from 'vitest';
import { reportFaults, scenarioFaults } from '../../src/conformance/scenario-faults.js';
import type { Scenario } from '../../src/conformance/scenario.js';
import type { JournalEntry } from '../../src/sim/store.js';

const KEY = 'key_scenario';

const entry = (seq: number, operation: string, status: number, extra: Partial<JournalEntry> = {}): JournalEntry => ({
  seq,
  time: seq * 100,
  method: operation === 'createVideo' ? 'POST' : 'GET',
  path: operation === 'createVideo' ? '/v1/videos/generations' : '/v1/jobs/job_1',
  operation,
  status,
  duration_ms: 1,
  key: KEY,
  request_id: `req_${seq}`,
  job_id: null,
  fault: null,
  headers: {},
  credentials: ['authorization'],
  ...extra,
});

const scenario = (extra: Partial<Scenario>): Scenario => ({ name: 's', title: 't', description: 'd', rules: [], ...extra });
const pollFault = scenarioFaults(scenario({ arrange: [{ fault: { operation: 'getJob', status: 429, count: 1, retry_after: 2 } }] }));

describe('the faults a scenario arranges', () => {
  it('names each armed fault, emptied wallet and foreign-key mock, with the journal entries that show it fired', () => {
    const faults = scenarioFaults(
      scenario({
        mock: { apiKeys: ['sk-aig-another'] },
        arrange: [
          { fault: { operation: 'createVideo', status: 503, count: 100_000, retry_after: 1 } },
          { fault: { operation: 'getJob', socket: 'reset', count: 2 } },
          { wallet: { balance_cents: 0 } },
        ],
      }),
    );
    expect(faults).toEqual([
      { says: 'createVideo answers 503 with Retry-After: 1, every time', firedBy: { operation: 'createVideo', status: 503, fault: 'armed' } },
      { says: 'getJob: the connection breaks (reset), the first 2 times', firedBy: { operation: 'getJob', fault: 'socket:reset' } },
      { says: 'the wallet holds 0 cents: createVideo answers 402', firedBy: { operation: 'createVideo', status: 402 } },
      { says: 'the mock accepts only another key: requests answer 401', firedBy: { status: 401 } },
    ]);
  });

  it('has none for a scenario whose mock only shapes the job (every job fails, or stays queued)', () => {
    const faults = scenarioFaults(scenario({ mock: { failureRate: 1, realtime: { queuedMs: 3_600_000 } } }));
    expect(faults).toEqual([]);
    expect(reportFaults(faults, [], KEY)).toEqual({ fired: null, faults: [] });
  });
});

describe('whether a fault fired', () => {
  it('fired, with the requests it shaped', () => {
    const journal = [entry(1, 'createVideo', 202), entry(2, 'getJob', 429, { fault: 'armed' }), entry(3, 'getJob', 200)];
    expect(reportFaults(pollFault, journal, KEY)).toEqual({
      fired: true,
      faults: [{ says: 'getJob answers 429 with Retry-After: 2, once', fired: 1, detail: 'fired once: #2 getJob 429' }],
    });
  });

  it('never fired because the request it waits for never came, saying what came instead', () => {
    expect(reportFaults(pollFault, [], KEY).faults[0]?.detail).toBe('never fired: no request reached the mock');
    const journal = [entry(1, 'createVideo', 500), entry(2, 'createVideo', 500)];
    expect(reportFaults(pollFault, journal, KEY)).toEqual({
      fired: false,
      faults: [{ says: 'getJob answers 429 with Retry-After: 2, once', fired: 0, detail: 'never fired: no getJob request reached the mock (it saw 2 createVideo 500)' }],
    });
  });

  it('never fired because the mock answered the key or the rate limit first, saying where the key went', () => {
    const noKey = [entry(1, 'createVideo', 202), entry(2, 'getJob', 401, { key: null, credentials: [] })];
    expect(reportFaults(pollFault, noKey, KEY).faults[0]?.detail).toBe(
      'never fired: the one getJob request (#2) was answered 401: no credentials sent (the mock answers a missing or unknown key, and the rate limit, before any armed fault)',
    );
    const wrongPlace = [
      entry(1, 'getJob', 401, { key: null, credentials: ['x-api-key'] }),
      entry(2, 'getJob', 401, { key: null, credentials: ['x-api-key'] }),
      entry(3, 'getJob', 429, { fault: 'rate-limit' }),
    ];
    expect(reportFaults(pollFault, wrongPlace, KEY).faults[0]?.detail).toBe(
      'never fired: none of the 3 getJob requests met it: 2 answered 401: the key was sent in x-api-key, not in Authorization: Bearer; 1 answered 429 by the rate limit (the mock answers a missing or unknown key, and the rate limit, before any armed fault)',
    );
  });

  it('never fired because the requests carried another key than the one the fault was armed for', () => {
    const journal = [entry(1, 'getJob', 200, { key: 'key_from_the_environment' })];
    expect(reportFaults(pollFault, journal, KEY).faults[0]?.detail).toBe(
      "never fired: the one getJob request (#1) was sent with another key than the scenario's AIGATEWAY_API_KEY",
    );
  });

  it('counts as fired when one of several faults fired', () => {
    const faults = scenarioFaults(scenario({ arrange: [{ fault: { operation: 'createVideo', status: 500, count: 1 } }, { fault: { operation: 'getJob', status: 500, count: 1 } }] }));
    const report = reportFaults(faults, [entry(1, 'createVideo', 500, { fault: 'armed' })], KEY);
    expect(report.fired).toBe(true);
    expect(report.faults.map((f) => f.fired)).toEqual([1, 0]);
  });
});
