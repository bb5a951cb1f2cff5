import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { errorEnvelope } from '../src/contract/error-catalog.js';
import type { SimRequest } from '../src/sim/exchange.js';
import { createMemoryStore } from '../src/sim/memory-store.js';
import { resolveConfig } from '../src/sim/config.js';
import { createSimulation, type Simulation, type SimulationSetup } from '../src/sim/simulation.js';
import type { Responder } from '../src/replay/responder.js';
import { dashboardFile, isDashboardPath } from './dashboard-files.js';
import { pumpEvents } from './event-stream.js';
import type { Store } from '../src/sim/store.js';
import { corsHeaders, isLoopback, type CorsOption } from './http-policy.js';
import { adapterRequestId, answerClientError, answerExpectation, answerInternalError, flattenHeaders, hostOf, writeResponse } from './http-transport.js';
import { formatLogLine } from './log-line.js';
import { openStateLog, type StateLog } from './state-file.js';
import { createWebhookDispatcher, type WebhookDispatcher, type WebhookOptions } from './webhook-dispatcher.js';

export interface MockAppOptions extends SimulationSetup {
  /** Use this simulation instead of creating one (to share it, or steer it in-process). */
  simulation?: Simulation;
  /** Browser origins allowed by CORS: `true` for any, a list, or `false`. Default: any, on loopback. */
  cors?: CorsOption;
  /** Keep jobs and wallets in this file across restarts. */
  stateFile?: string | null;
  /** One line per request (never an API key). */
  log?: ((line: string) => void) | null;
  /** Webhook delivery: the signing secret, whether hosts other than loopback may be called, retries. */
  webhooks?: Omit<WebhookOptions, 'log' | 'fetch'>;
  /** Answer from this instead of the simulation: a replay of a recording (`createReplay`). */
  replay?: Responder | null;
}

export interface MockServerOptions extends Omit<MockAppOptions, 'store'> {
  /**
   * Where the state lives: a `Store`, `redis://host:6379/0` (shared by every server naming the same
   * Redis and prefix; closed with the server), or `memory` (the default, this process only).
   */
  store?: Store | string;
  /** Prefix of the Redis store's keys, so that several mocks share one Redis. Default `aigw:`. */
  storePrefix?: string;
  /** Default 4010; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** A request whose body has not arrived by then is answered 408. Default 30 s. */
  requestTimeoutMs?: number;
  /**
   * Host names `/__mock/*` answers to besides loopback ones (`localhost`, `*.localhost`, 127.x,
   * [::1]). Checked when bound to loopback (against DNS rebinding) or whenever given.
   */
  allowedHosts?: readonly string[];
}

export interface RunningMockServer {
  /** The base URL clients use: `http://127.0.0.1:4010/v1`. */
  url: string;
  origin: string;
  port: number;
  host: string;
  server: Server;
  simulation: Simulation;
  /** Whether `/__mock/*` answers (off on a public address without an admin token). */
  adminEnabled: boolean;
  /** Stops listening and ends open connections (and closes a store it opened from a URL). */
  close(): Promise<void>;
}

/**
 * The store a server's options name: a `Store` as given, a new Redis store for a `redis://` URL
 * (the Redis client is loaded only then), or none (the simulation's in-memory default).
 */
async function openStore(options: MockServerOptions): Promise<{ store: Store | undefined; owned: boolean }> {
  const { store, storePrefix } = options;
  if (store === undefined || store === 'memory') return { store: undefined, owned: false };
  if (typeof store !== 'string') return { store, owned: false };
  if ((options.stateFile ?? null) !== null) {
    throw new TypeError(`stateFile keeps the in-memory store in a file; the state is in Redis already with store '${store}': give one or the other.`);
  }
  const { createRedisStore } = await import('./redis-store.js');
  const opened = await createRedisStore(store, {
    maxAccounts: resolveConfig(options).maxAccounts,
    ...(storePrefix === undefined ? {} : { prefix: storePrefix }),
  });
  return { store: opened, owned: true };
}

/** Stops a running server, then closes the store it opened. */
function closingStore(server: RunningMockServer, store: Store | undefined, owned: boolean): RunningMockServer {
  if (!owned || store === undefined) return server;
  const close = server.close;
  return { ...server, close: () => close().finally(() => store.close()) };
}

/** A node:http request listener serving the mock, with the simulation behind it. */
export interface MockListener {
  (req: IncomingMessage, res: ServerResponse): void;
  simulation: Simulation;
  webhooks: WebhookDispatcher;
  /** Stops webhook delivery, writes what is left to the state file and releases its lock. */
  close(): void;
}

/**
 * The mock as a plain node:http listener: the same translation as the Express adapter (same
 * options, same core, same transport helpers) without Express's router and middleware.
 */
export function createMockListener(options: MockAppOptions = {}): MockListener {
  const { simulation: given, cors = true, stateFile = null, log = null, webhooks = {}, replay = null, ...setup } = options;
  const persisted = given === undefined && stateFile !== null ? persistedSimulation(setup, stateFile, log) : null;
  const simulation = given ?? persisted?.simulation ?? createSimulation(setup);
  const limit = simulation.config.bodyLimitBytes;
  const dispatcher = createWebhookDispatcher(simulation, { ...webhooks, log });

  const serve = (req: IncomingMessage, res: ServerResponse, body: Uint8Array | null, bodyTooLarge: boolean, started: number): void => {
    const request: SimRequest = {
      method: req.method ?? 'GET',
      url: req.url ?? '/',
      headers: flattenHeaders(req),
      body: body !== null && body.byteLength > 0 ? body : null,
      receivedAtMs: started,
      bodyTooLarge,
      origin: `${(req.socket as { encrypted?: boolean }).encrypted === true ? 'https' : 'http'}://${req.headers.host ?? hostOf(req.socket)}`,
    };
    Promise.resolve((replay ?? simulation).handle(request)).then(
      (response) => {
        dispatcher.afterRequest();
        if (response.body.kind === 'events') {
          // A stream of events: headers now, then whatever the feed has on each tick until the client leaves.
          res.writeHead(response.status, response.headers);
          res.flushHeaders();
          const pump = pumpEvents(response.body.feed, (chunk) => res.write(chunk), () => res.end(), {
            onError: (error) => log?.(`aigw-video mock: event stream ended: ${error instanceof Error ? error.message : String(error)}`),
          });
          res.on('close', () => pump.stop());
          log?.(formatLogLine(request, response, performance.now() - started));
          return;
        }
        const send = (): void => {
          writeResponse(res, response);
          log?.(formatLogLine(request, response, performance.now() - started));
        };
        if (response.latencyMs > 0) {
          const timer = setTimeout(send, response.latencyMs);
          res.on('close', () => clearTimeout(timer));
        } else send();
      },
      (error: unknown) => answerInternalError(res, error, log),
    );
  };

  const listener = ((req, res) => {
    const started = performance.now();
    // A replay has no simulation state to show: its own answer (404) says so.
    if (replay === null && (req.method === 'GET' || req.method === 'HEAD') && simulation.config.adminEnabled && isDashboardPath((req.url ?? '/').split('?')[0] as string)) {
      serveDashboard(req, res, simulation.config.publicBaseUrl, log);
      return;
    }
    // The control API grants no page a CORS preflight: only its own origin and non-browser tools.
    const control = req.url !== undefined && (req.url === '/__mock' || req.url.startsWith('/__mock/') || req.url.startsWith('/__mock?'));
    if (!control) for (const [name, value] of Object.entries(corsHeaders(cors, req.headers.origin))) res.setHeader(name, value);
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) {
      res.statusCode = 204;
      res.end();
      return;
    }
    const length = req.headers['content-length'];
    if (Number(length) > limit) {
      // Answered at once and the connection closed, rather than reading a body we will refuse.
      res.setHeader('connection', 'close');
      serve(req, res, null, true, started);
      return;
    }
    if ((length === undefined || length === '0') && req.headers['transfer-encoding'] === undefined) {
      serve(req, res, null, false, started);
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let answered = false;
    req.on('data', (chunk: Buffer) => {
      if (answered) return;
      size += chunk.byteLength;
      if (size > limit) {
        answered = true;
        res.setHeader('connection', 'close');
        serve(req, res, null, true, started);
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (answered) return;
      answered = true;
      serve(req, res, chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks), false, started);
    });
    req.on('error', (error) => {
      if (answered || res.headersSent) return;
      answered = true;
      const body = JSON.stringify(errorEnvelope(400, { message: `body: could not be read (${error.message}).`, code: 'invalid_body', param: 'body' }));
      res.writeHead(400, { 'content-type': 'application/json; charset=utf-8', 'x-request-id': adapterRequestId(), connection: 'close' });
      res.end(body);
    });
  }) as MockListener;
  listener.simulation = simulation;
  listener.webhooks = dispatcher;
  listener.close = () => {
    dispatcher.stop();
    persisted?.stateLog.close();
  };
  return listener;
}

/** The dashboard's page and the libraries it imports (static files; what they show comes from the control API). */
function serveDashboard(req: IncomingMessage, res: ServerResponse, publicBaseUrl: string | null, log: ((line: string) => void) | null): void {
  req.resume();
  dashboardFile((req.url ?? '/').split('?')[0] as string, publicBaseUrl).then(
    (file) => {
      res.writeHead(file.status, { ...file.headers, 'content-length': String(file.body.byteLength) });
      res.end(req.method === 'HEAD' ? undefined : file.body);
    },
    (error: unknown) => answerInternalError(res, error, log),
  );
}

/**
 * A new simulation over an in-memory store kept in the state file (locked to this process until
 * `close`); the file's status reaches `GET /__mock/health` through `Simulation.setPersistence`.
 */
function persistedSimulation(setup: SimulationSetup, stateFile: string, log: ((line: string) => void) | null): { simulation: Simulation; stateLog: StateLog } {
  if (setup.store !== undefined) throw new Error('stateFile keeps the in-memory store; give either store or stateFile, not both.');
  // Checked before the file is locked: a bad option never leaves a lock behind.
  const store = createMemoryStore({ maxAccounts: resolveConfig(setup).maxAccounts });
  let simulation: Simulation | null = null;
  const stateLog = openStateLog(stateFile, store, { log, onStatus: (status) => simulation?.setPersistence(status) });
  simulation = createSimulation({ ...setup, store });
  simulation.setPersistence(stateLog.status);
  return { simulation, stateLog };
}

/** Where a mock server listens, and whether its control API answers there. */
export function serverPolicy(options: MockServerOptions): {
  host: string;
  loopback: boolean;
  adminEnabled: boolean;
  cors: NonNullable<MockAppOptions['cors']>;
  controlHosts: readonly string[] | null;
} {
  const host = options.host ?? '127.0.0.1';
  const loopback = isLoopback(host);
  return {
    host,
    loopback,
    adminEnabled: (options.adminEnabled ?? true) && (loopback || (options.adminToken ?? null) !== null),
    cors: options.cors ?? loopback,
    // On loopback only a DNS-rebound page sends another name; elsewhere the admin token guards.
    controlHosts: options.allowedHosts ?? (loopback ? [] : null),
  };
}

/**
 * Listens with a request handler (the listener below, or an Express app around it) on node:http,
 * with the timeouts and the answers to malformed HTTP that every mock server shares.
 */
export async function listenMock(
  handler: (req: IncomingMessage, res: ServerResponse) => void,
  simulation: Simulation,
  options: MockServerOptions,
  adminEnabled: boolean,
  listener: Pick<MockListener, 'webhooks' | 'close'>,
): Promise<RunningMockServer> {
  const { port = 4010, host = '127.0.0.1', requestTimeoutMs = 30_000 } = options;
  const server: Server = createServer(
    {
      requestTimeout: requestTimeoutMs,
      headersTimeout: Math.min(requestTimeoutMs, 10_000),
      keepAliveTimeout: 5_000,
      // Node checks those timeouts only every connectionsCheckingInterval (default 30 s), so a
      // shorter requestTimeoutMs would otherwise fire up to 30 s late.
      connectionsCheckingInterval: Math.max(50, Math.min(30_000, Math.floor(requestTimeoutMs / 4))),
    },
    handler,
  );
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => answerClientError(error, socket));
  server.on('checkExpectation', answerExpectation);
  try {
    await new Promise<void>((ready, fail) => {
      server.once('error', fail);
      server.listen(port, host, () => {
        server.off('error', fail);
        ready();
      });
    });
  } catch (error) {
    listener.close(); // the state file's lock, if any, is not kept by a server that never listened
    throw error;
  }
  // Jobs end with time, not only on requests: deliver their webhooks without waiting for one.
  listener.webhooks.start();
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const origin = `http://${shownHost}:${address.port}`;
  return {
    url: `${origin}/v1`,
    origin,
    port: address.port,
    host: address.address,
    server,
    simulation,
    adminEnabled,
    close: () =>
      new Promise<void>((done) => {
        listener.webhooks.stop();
        server.close(() => {
          listener.close();
          done();
        });
        server.closeAllConnections();
      }),
  };
}

/** What an adapter serves over HTTP: its request handler, the simulation behind it, and what stops it. */
export interface ServedMock {
  handler: (req: IncomingMessage, res: ServerResponse) => void;
  simulation: Simulation;
  listener: Pick<MockListener, 'webhooks' | 'close'>;
}

/**
 * Starts an adapter over HTTP (node:http alone, or Express around the same listener): the store its
 * options name (a Redis store opened from a URL is closed with the server, or at once if the start
 * fails), the address policy, then `listenMock`.
 */
export async function startServer(options: MockServerOptions, build: (appOptions: MockAppOptions) => ServedMock): Promise<RunningMockServer> {
  const { port: _port, host: _host, requestTimeoutMs: _timeout, allowedHosts: _hosts, store: _store, storePrefix: _prefix, ...appOptions } = options;
  const policy = serverPolicy(options);
  const { store, owned } = await openStore(options);
  try {
    const served = build({
      ...appOptions,
      ...(store === undefined ? {} : { store }),
      adminEnabled: policy.adminEnabled,
      cors: policy.cors,
      controlHosts: policy.controlHosts,
    });
    return closingStore(await listenMock(served.handler, served.simulation, options, policy.adminEnabled, served.listener), store, owned);
  } catch (error) {
    if (owned) await store?.close();
    throw error;
  }
}

/** Starts the mock on node:http alone (what `aigw-video serve` runs). Binds 127.0.0.1 unless told otherwise. */
export function startNodeHttpMockServer(options: MockServerOptions = {}): Promise<RunningMockServer> {
  return startServer(options, (appOptions) => {
    const listener = createMockListener(appOptions);
    return { handler: listener, simulation: listener.simulation, listener };
  });
}
