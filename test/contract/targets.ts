import { getResponse } from 'msw';
import { createHandlers } from '../../mocks/msw.js';
import { startMockServer, type RunningMockServer } from '../../mocks/express.js';
import { startPrism, type RunningPrism } from '../../src/prism/start-prism.js';
import type { Simulation } from '../../src/sim/simulation.js';
import { createUrlTarget, type FetchFunction, type Target } from '../../src/verify/index.js';

/** A test key; reports redact it like any other. */
export const TEST_KEY = 'sk-aig-contract-suite';

/** A clock that moves only when told (the mocks' time source in tests: no timed assertions). */
export function virtualClock(startMs = Date.UTC(2026, 3, 23, 12, 0, 0)): { now: () => number } {
  return { now: () => startMs };
}

export interface RunningTarget {
  target: Target;
  close: () => Promise<void>;
}

/** The msw target: the handlers answer in-process through `getResponse`; nothing touches the network. */
export async function mswTarget(simulation?: Simulation): Promise<RunningTarget> {
  const baseUrl = 'http://127.0.0.1:4010/v1';
  const handlers = createHandlers({ baseUrl, timing: 'steps', now: virtualClock().now, ...(simulation !== undefined ? { simulation } : {}) });
  const routed: FetchFunction = async (input, init) => {
    const request = new Request(input, init);
    const response = await getResponse(handlers, request);
    if (response === undefined) throw new TypeError(`msw has no handler for ${request.method} ${request.url}`);
    if (response.type === 'error') throw new TypeError('network error (msw)');
    return response;
  };
  const target = await createUrlTarget({ name: 'msw', baseUrl, apiKey: TEST_KEY, fetch: routed });
  return { target, close: async () => undefined };
}

/** The express target: the mock over real HTTP on an ephemeral port, through the same `url` target as the live gateway. */
export async function expressTarget(options: { simulation?: Simulation } = {}): Promise<RunningTarget & { server: RunningMockServer }> {
  const server = await startMockServer({ port: 0, now: virtualClock().now, log: null, ...(options.simulation !== undefined ? { simulation: options.simulation } : {}) });
  const target = await createUrlTarget({ name: 'express', baseUrl: server.url, apiKey: TEST_KEY });
  return { target, server, close: () => server.close() };
}

export const PRISM_STATELESS = "Prism's static mock keeps no jobs (it answers the spec's examples), so checks that follow a job cannot run";

export const PRISM_OWN_ERRORS = 'Prism answers unparseable or non-JSON bodies with its own error format, not the spec\'s';

/** The prism target: Prism's static mock of our spec, for the stateless checks. */
export async function prismTarget(): Promise<RunningTarget & { prism: RunningPrism }> {
  const prism = await startPrism({ mode: 'mock' });
  const target = await createUrlTarget({
    name: 'prism',
    baseUrl: `${prism.origin}/v1`,
    apiKey: TEST_KEY,
    isMock: false,
    costFree: true,
    honoursPrefer: true,
    checksKeyValue: false,
    statelessReason: PRISM_STATELESS,
    noMalformedBodiesReason: PRISM_OWN_ERRORS,
  });
  return { target, prism, close: () => prism.stop() };
}
