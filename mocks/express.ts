import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { errorEnvelope } from '../src/contract/error-catalog.js';
import { createSimulation, type Simulation, type SimulationSetup } from '../src/sim/simulation.js';
import type { SimRequest, SimResponse } from '../src/sim/exchange.js';
import { openStateLog, type StateLog } from './state-file.js';
import { isLoopback, corsHeaders, type CorsOption } from './http-policy.js';
import { formatLogLine } from './log-line.js';

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

  app.use((req, res, next) => {
    const headers = corsHeaders(cors, req.headers.origin);
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) {
      res.status(204).end();
      return;
    }
    next();
  });
  // A declared length over the limit is answered at once, and the connection closed: body-parser
  // calls next(error) only once the whole body has arrived, so `Content-Length: 10^15` would hold
  // the socket (and its 413) until the request timeout.
  app.use((req, res, next) => {
    if (Number(req.headers['content-length']) > simulation.state.config.bodyLimitBytes) {
      res.setHeader('connection', 'close');
      serve(req, res, true);
      return;
    }
    next();
  });
  app.use(express.raw({ type: () => true, limit: simulation.state.config.bodyLimitBytes, inflate: false }));

  const serve = (req: Request, res: Response, bodyTooLarge: boolean): void => {
    const started = performance.now();
    const request: SimRequest = {
      method: req.method,
      url: req.originalUrl,
      headers: flattenHeaders(req),
      body: Buffer.isBuffer(req.body) && req.body.byteLength > 0 ? new Uint8Array(req.body) : null,
      bodyTooLarge,
      origin: `${req.protocol}://${req.headers.host ?? hostOf(req.socket)}`,
    };
    const response = simulation.handle(request);
    stateLog?.persist();
    const send = (): void => {
      write(res, response);
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

function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

const hostOf = (socket: Socket): string => {
  const address = socket.address() as AddressInfo;
  return address.family === 'IPv6' ? `[${address.address}]:${address.port}` : `${address.address}:${address.port}`;
};

/** Writes the core's answer, or breaks the exchange the way it asks. */
function write(res: ServerResponse, response: SimResponse): void {
  const socket = res.socket;
  switch (response.socketFault) {
    case 'reset':
      socket?.resetAndDestroy();
      return;
    case 'empty':
      socket?.destroy();
      return;
    case 'malformed_chunk':
      socket?.end('HTTP/1.1 200 OK\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n{"id":\r\n');
      return;
    case 'truncated': {
      const partial = Buffer.from('{"id":"job_');
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(partial.byteLength + 64) });
      res.write(partial, () => socket?.destroy());
      return;
    }
    case 'malformed_json':
      res.writeHead(200, { ...response.headers, 'content-type': 'application/json; charset=utf-8' });
      res.end('{"id": "job_');
      return;
    case null:
      break;
  }
  res.statusCode = response.status;
  for (const [name, value] of Object.entries(response.headers)) res.setHeader(name, value);
  const { body } = response;
  if (body.kind === 'json') res.end(JSON.stringify(body.value));
  else if (body.kind === 'bytes') res.end(Buffer.from(body.data.buffer, body.data.byteOffset, body.data.byteLength));
  else res.end();
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

/** Every error carries an x-request-id (the spec requires it), also those the core never sees. */
const adapterRequestId = (): string => `req_${randomBytes(8).toString('hex')}`;

/** Node's parser rejects a request before Express sees it; answer in the API's envelope, not plain text. */
function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  if (!socket.writable || error.code === 'ECONNRESET') {
    socket.destroy();
    return;
  }
  const [status, reason, message, code] =
    error.code === 'HPE_HEADER_OVERFLOW'
      ? [431, 'Request Header Fields Too Large', 'The request headers are too large.', 'headers_too_large']
      : error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? [408, 'Request Timeout', 'The request did not arrive in time.', 'request_timeout']
        : [400, 'Bad Request', 'The request is not valid HTTP.', 'malformed_request'];
  const body = JSON.stringify(errorEnvelope(400, { message, code }));
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nx-request-id: ${adapterRequestId()}\r\nconnection: close\r\n\r\n${body}`,
  );
}
