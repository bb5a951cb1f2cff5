import { fc, test } from '@fast-check/vitest';
import { afterEach, describe, expect, vi } from 'vitest';
import { formatLogLine } from '../../mocks/log-line.js';
import type { SimRequest, SimResponse } from '../../src/sim/exchange.js';
import type { JournalEntry } from '../../src/sim/store.js';

afterEach(() => {
  vi.useRealTimers();
});

/** The line as first written: its parts joined by spaces, the time from toISOString. */
function lineByParts(request: SimRequest, response: SimResponse, elapsedMs: number): string {
  const entry = response.journal;
  // The URLs below carry no key: nothing to redact.
  const path = request.url.length > 120 ? `${request.url.slice(0, 117)}...` : request.url;
  const status = response.socketFault !== null ? `socket:${response.socketFault}` : String(response.status);
  const parts = [new Date().toISOString().slice(11, 23), request.method.padEnd(6), path, status, `${elapsedMs.toFixed(1)}ms`];
  if (entry?.job_id) parts.push(entry.job_id);
  if (entry?.key) parts.push(entry.key);
  if (entry?.fault && response.socketFault === null) parts.push(`(${entry.fault})`);
  return parts.join(' ');
}

describe('the log line of a request', () => {
  const exchange = fc.record({
    time: fc.integer({ min: 0, max: 4_102_444_800_000 }),
    method: fc.constantFrom('GET', 'POST', 'DELETE', 'OPTIONS'),
    url: fc.stringMatching(/^\/[a-z0-9_/?=]{0,140}$/),
    status: fc.integer({ min: 100, max: 599 }),
    socketFault: fc.constantFrom(null, 'reset', 'truncated'),
    elapsedMs: fc.double({ min: 0, max: 100_000, noNaN: true }),
    jobId: fc.option(fc.constantFrom('job_1', ''), { nil: null }),
    key: fc.option(fc.constantFrom('key_0123', ''), { nil: null }),
    fault: fc.option(fc.constantFrom('armed', 'fault-rate', 'socket:reset'), { nil: null }),
  });

  test.prop([exchange])('tells the UTC time to the millisecond, method, path, status, duration, job, key and fault', (e) => {
    vi.useFakeTimers({ now: e.time, toFake: ['Date'] });
    const request: SimRequest = { method: e.method, url: e.url, headers: {}, body: null, origin: 'http://127.0.0.1:4010' };
    const journal = { job_id: e.jobId, key: e.key, fault: e.fault } as JournalEntry;
    const response: SimResponse = { status: e.status, headers: {}, body: { kind: 'none' }, socketFault: e.socketFault, latencyMs: 0, journal };
    expect(formatLogLine(request, response, e.elapsedMs)).toBe(lineByParts(request, response, e.elapsedMs));
  });
});
