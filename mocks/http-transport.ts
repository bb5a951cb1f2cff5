import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { errorEnvelope } from '../src/contract/error-catalog.js';
import type { SimResponse } from '../src/sim/exchange.js';

// What every node:http-based adapter does the same way (Express's and the bare node:http one).

/** Node's headers as the core takes them: lower-case names, repeated values joined. */
export function flattenHeaders(req: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** The socket's local address as an origin's host (when the request named none). */
export const hostOf = (socket: Socket): string => {
  const address = socket.address() as AddressInfo;
  return address.family === 'IPv6' ? `[${address.address}]:${address.port}` : `${address.address}:${address.port}`;
};

/** Writes the core's answer, or breaks the exchange the way it asks. */
export function writeResponse(res: ServerResponse, response: SimResponse): void {
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

/** Every error carries an x-request-id (the spec requires it), also those the core never sees. */
export const adapterRequestId = (): string => `req_${randomBytes(8).toString('hex')}`;

/**
 * A bug in the mock, not an answer anyone asked for: said loudly in the log, answered in the API's
 * envelope, never a crash of the server.
 */
export function answerInternalError(res: ServerResponse, error: unknown, log: ((line: string) => void) | null): void {
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  (log ?? ((line: string) => process.stderr.write(`${line}\n`)))(`aigw-video mock: internal error: ${message}`);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  const body = JSON.stringify(errorEnvelope(500, { message: 'The mock failed to answer this request (an internal error, logged by the mock).', code: 'mock_internal_error' }));
  res.writeHead(500, { 'content-type': 'application/json; charset=utf-8', 'x-request-id': adapterRequestId() });
  res.end(body);
}

/** Node's parser rejects a request before Express sees it; answer in the API's envelope, not plain text. */
export function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
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

/**
 * An `Expect` other than 100-continue: Node answers 417 with an empty body by itself unless the
 * server listens for checkExpectation; answer it in the API's envelope instead.
 */
export function answerExpectation(_req: IncomingMessage, res: ServerResponse): void {
  const body = JSON.stringify(errorEnvelope(400, { message: 'Expect: only 100-continue is supported.', code: 'expectation_failed', param: 'Expect' }));
  res.writeHead(417, { 'content-type': 'application/json; charset=utf-8', 'x-request-id': adapterRequestId(), connection: 'close' });
  res.end(body);
}
