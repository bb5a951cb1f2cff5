import type { Simulation } from '../../src/sim/simulation.js';
import type { SimResponse } from '../../src/sim/exchange.js';

export const MODEL = 'openai/sora-2-video-to-video-remix';
export const ORIGIN = 'http://127.0.0.1:4010';

export interface CallInit {
  key?: string | null;
  body?: unknown;
  rawBody?: string;
  headers?: Record<string, string>;
}

export interface CallResult {
  status: number;
  headers: Record<string, string>;
  json: any;
  response: SimResponse;
}

/** One request straight into the core, as an adapter would hand it over. */
export async function call(sim: Simulation, method: string, url: string, init: CallInit = {}): Promise<CallResult> {
  const headers: Record<string, string> = {};
  if (init.key !== null) headers['authorization'] = `Bearer ${init.key ?? 'sk-aig-test'}`;
  let body: Uint8Array | null = null;
  if (init.body !== undefined || init.rawBody !== undefined) {
    headers['content-type'] = 'application/json';
    body = new TextEncoder().encode(init.rawBody ?? JSON.stringify(init.body));
  }
  for (const [name, value] of Object.entries(init.headers ?? {})) headers[name.toLowerCase()] = value;
  const response = await sim.handle({ method, url, headers, body, origin: ORIGIN });
  return {
    status: response.status,
    headers: response.headers,
    json: response.body.kind === 'json' ? response.body.value : null,
    response,
  };
}

export const create = (sim: Simulation, body: Record<string, unknown> = {}, init: CallInit = {}): Promise<CallResult> =>
  call(sim, 'POST', '/v1/videos/generations', { ...init, body: { model: MODEL, prompt: 'a lake', ...body } });

export const poll = (sim: Simulation, id: string, init: CallInit = {}): Promise<CallResult> => call(sim, 'GET', `/v1/jobs/${id}`, init);

/** A virtual clock: `now()` for the simulation, `tick(ms)` to move it. */
export function virtualClock(start = 1_776_947_082_000): { now: () => number; tick: (ms: number) => void } {
  let t = start;
  return { now: () => t, tick: (ms) => void (t += ms) };
}

/** Runs `step` for each item, one after another (requests to one simulation must not interleave). */
export async function inSeries<T, R>(items: readonly T[], step: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (const [index, item] of items.entries()) results.push(await step(item, index));
  return results;
}
