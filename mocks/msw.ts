import { bypass, delay, http, HttpResponse, type HttpHandler } from 'msw';
import { createSimulation, type Simulation, type SimulationSetup } from '../src/sim/simulation.js';
import type { SimResponse } from '../src/sim/exchange.js';
import type { Responder } from '../src/replay/responder.js';
import { pumpEvents } from './event-stream.js';
import { createWebhookDispatcher, type WebhookDispatcher, type WebhookOptions } from './webhook-dispatcher.js';

export interface HandlerOptions extends SimulationSetup {
  /** The origin the handlers answer for. Default the live gateway, `https://api.aigateway.sh` (a trailing `/v1` is fine). */
  baseUrl?: string;
  /** Use this simulation instead of creating one (to steer it in-process: clock, reset, state). */
  simulation?: Simulation;
  /** Webhook delivery (sent past MSW's own interception, after the request that ends a job or a later one). */
  webhooks?: Omit<WebhookOptions, 'log' | 'fetch'>;
  /** Answer from this instead of the simulation: a replay of a recording (`createReplay`). */
  replay?: Responder | null;
}

export interface MockHandlers extends Array<HttpHandler> {
  /** The simulation behind the handlers. */
  simulation: Simulation;
  /** Webhook delivery; `tick()` delivers what is due now (after moving the clock in-process, say). */
  webhooks: WebhookDispatcher;
}

/**
 * The mock as MSW handlers, for `setupServer` (Node) and `setupWorker` (browsers): the same core as
 * the Express server, translated from fetch's Request and back to a Response.
 */
export function createHandlers(options: HandlerOptions = {}): MockHandlers {
  const { baseUrl = 'https://api.aigateway.sh', simulation: given, webhooks = {}, replay = null, ...setup } = options;
  // The handlers answer only the page or test process they run in: no other site can reach them,
  // and the page's own calls are cross-origin to the gateway URL, so Origin checks would refuse them.
  const simulation = given ?? createSimulation({ ...setup, controlSameOriginOnly: setup.controlSameOriginOnly ?? false });
  const origin = new URL(baseUrl).origin;
  const dispatcher = createWebhookDispatcher(simulation, {
    ...webhooks,
    fetch: (input, init) => fetch(bypass(new Request(input, init))),
  });
  const resolver = async ({ request }: { request: Request }): Promise<Response> => {
    const started = performance.now();
    const url = new URL(request.url);
    const limit = simulation.config.bodyLimitBytes;
    const raw = request.body === null ? null : new Uint8Array(await request.arrayBuffer());
    const response = await (replay ?? simulation).handle({
      method: request.method,
      url: url.pathname + url.search,
      headers: Object.fromEntries(request.headers),
      body: raw !== null && raw.byteLength > 0 ? raw : null,
      receivedAtMs: started,
      bodyTooLarge: raw !== null && raw.byteLength > limit,
      origin: url.origin,
    });
    dispatcher.afterRequest();
    if (response.latencyMs > 0) await delay(response.latencyMs);
    return toResponse(response);
  };
  const handlers = [http.all(`${origin}/v1/*`, resolver), http.all(`${origin}/__mock/*`, resolver)] as MockHandlers;
  handlers.simulation = simulation;
  handlers.webhooks = dispatcher;
  return handlers;
}

function toResponse(response: SimResponse): Response {
  switch (response.socketFault) {
    case null:
      break;
    case 'malformed_json':
      return new HttpResponse('{"id": "job_', { status: 200, headers: { ...response.headers, 'content-type': 'application/json; charset=utf-8' } });
    default:
      // No socket in-process: every transport fault is a network error to the client.
      return HttpResponse.error();
  }
  const { body } = response;
  if (body.kind === 'events') {
    // The event stream as a streamed body (fetch reads it; the dashboard itself is not served here).
    const encoder = new TextEncoder();
    let pump: { stop(): void } | null = null;
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        pump = pumpEvents(body.feed, (chunk) => controller.enqueue(encoder.encode(chunk)), () => controller.close());
      },
      cancel() {
        pump?.stop();
      },
    });
    return new HttpResponse(stream, { status: response.status, headers: response.headers });
  }
  const payload = body.kind === 'json' ? JSON.stringify(body.value) : body.kind === 'bytes' ? body.data : null;
  return new HttpResponse(payload as BodyInit | null, { status: response.status, headers: response.headers });
}
