import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { errorEnvelope } from '../src/contract/error-catalog.js';
import { createSimulation, type Simulation, type SimulationSetup } from '../src/sim/simulation.js';
import type { SimRequest } from '../src/sim/exchange.js';
import { openStateLog, type StateLog } from './state-file.js';
import { isLoopback, corsHeaders, type CorsOption } from './http-policy.js';
import { formatLogLine } from './log-line.js';
import { adapterRequestId, answerClientError, answerExpectation, flattenHeaders, hostOf, writeResponse } from './http-transport.js';

export interface MockAppOptions extends SimulationSetup {
  /** Use this simulation instead of creating one (to share it, or steer it in-process). */
  simulation?: Simulation;
  /** Browser origins allowed by CORS: `true` for any, a list, or `false`. Default: any, on loopback. */
  cors?: CorsOption;
  /** Keep jobs and wallets in this file across restarts. */
  stateFile?: string | null;
  /** One line per request (never an API key). */
  log?: ((line: string) => void) | null;
}

export interface MockApp extends Express {
  locals: Express['locals'] & { simulation: Simulation };
}

/** The mock as an Express 5 app: translates HTTP to the simulation core and back, nothing more. */
export function createMockApp(options: MockAppOptions = {}): MockApp {
  const { simulation: given, cors = true, stateFile = null, log = null, ...setup } = options;
  // Without a state file nobody reads the change record, which would otherwise grow by one id per job.
  const simulation = given ?? createSimulation({ ...setup, trackChanges: stateFile !== null || (setup.trackChanges ?? false) });
  const stateLog: StateLog | null = stateFile === null ? null : openStateLog(stateFile, simulation);
  const app = express() as MockApp;
  app.locals.simulation = simulation;
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', false);

  const limit = simulation.state.config.bodyLimitBytes;
  // One front door (CORS, preflight, size) instead of a middleware each: every Express layer costs
  // a router step on every request, and requests without a body skip the body parser altogether.
  app.use((req, res, next) => {
    const headers = corsHeaders(cors, req.headers.origin);
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) {
      res.status(204).end();
      return;
    }
    const length = req.headers['content-length'];
    // A declared length over the limit is answered at once, and the connection closed: body-parser
    // calls next(error) only once the whole body has arrived, so `Content-Length: 10^15` would hold
    // the socket (and its 413) until the request timeout.
    if (Number(length) > limit) {
      res.setHeader('connection', 'close');
      serve(req, res, true);
      return;
    }
    if ((length === undefined || length === '0') && req.headers['transfer-encoding'] === undefined) {
      serve(req, res, false);
      return;
    }
    next();
  });
  app.use(express.raw({ type: () => true, limit, inflate: false }));

  const serve = (req: Request, res: Response, bodyTooLarge: boolean): void => {
    const started = performance.now();
    const request: SimRequest = {
      method: req.method,
      url: req.originalUrl,
      headers: flattenHeaders(req),
      // A Buffer is a Uint8Array: no copy.
      body: Buffer.isBuffer(req.body) && req.body.byteLength > 0 ? req.body : null,
      bodyTooLarge,
      origin: `${req.protocol}://${req.headers.host ?? hostOf(req.socket)}`,
    };
    const response = simulation.handle(request);
    stateLog?.persist();
    const send = (): void => {
      writeResponse(res, response);
      if (response.journal !== null) response.journal.duration_ms = Math.round((performance.now() - started) * 100) / 100;
      log?.(formatLogLine(request, response, performance.now() - started));
    };
    if (response.latencyMs > 0) {
      const timer = setTimeout(send, response.latencyMs);
      res.on('close', () => clearTimeout(timer));
    } else send();
  };

  app.use((req, res) => serve(req, res, false));
  // Body-reading failures: over the limit becomes the spec's 413; anything else a 400, in the envelope.
  app.use((error: { type?: string; status?: number; message?: string }, req: Request, res: Response, _next: NextFunction) => {
    if (error.type === 'entity.too.large') return serve(req, res, true);
    if (res.headersSent) return void res.end();
    const body = errorEnvelope(400, { message: `body: could not be read (${error.message ?? 'malformed'}).`, code: 'invalid_body', param: 'body' });
    res.status(400).set('x-request-id', adapterRequestId()).type('application/json').send(JSON.stringify(body));
  });
  return app;
}

export interface MockServerOptions extends MockAppOptions {
  /** Default 4010; 0 picks a free port. */
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  /** A request whose body has not arrived by then is answered 408. Default 30 s. */
  requestTimeoutMs?: number;
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
  /** Stops listening and ends open connections. */
  close(): Promise<void>;
}

/** Starts the mock over HTTP. Binds 127.0.0.1 unless told otherwise. */
export async function startMockServer(options: MockServerOptions = {}): Promise<RunningMockServer> {
  const { port = 4010, host = '127.0.0.1', requestTimeoutMs = 30_000, ...appOptions } = options;
  const loopback = isLoopback(host);
  const adminEnabled = (appOptions.adminEnabled ?? true) && (loopback || (appOptions.adminToken ?? null) !== null);
  const app = createMockApp({
    ...appOptions,
    adminEnabled,
    cors: appOptions.cors ?? (loopback ? true : false),
  });
  const server = createServer(
    {
      requestTimeout: requestTimeoutMs,
      headersTimeout: Math.min(requestTimeoutMs, 10_000),
      keepAliveTimeout: 5_000,
      // Node checks those timeouts only every connectionsCheckingInterval (default 30 s), so a
      // shorter requestTimeoutMs would otherwise fire up to 30 s late.
      connectionsCheckingInterval: Math.max(50, Math.min(30_000, Math.floor(requestTimeoutMs / 4))),
    },
    app,
  );
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) => answerClientError(error, socket));
  server.on('checkExpectation', answerExpectation);
  await new Promise<void>((ready, fail) => {
    server.once('error', fail);
    server.listen(port, host, () => {
      server.off('error', fail);
      ready();
    });
  });
  const address = server.address() as AddressInfo;
  const shownHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const origin = `http://${shownHost}:${address.port}`;
  return {
    url: `${origin}/v1`,
    origin,
    port: address.port,
    host: address.address,
    server,
    simulation: app.locals.simulation,
    adminEnabled,
    close: () =>
      new Promise<void>((done) => {
        server.close(() => done());
        server.closeAllConnections();
      }),
  };
}
