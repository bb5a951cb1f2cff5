import { connect } from 'node:net';

/** What came back on a raw socket: the parsed answer (if any) and how the connection ended. */
export interface RawAnswer {
  status: number | null;
  headers: Record<string, string>;
  /** The body, de-chunked when the answer was chunked. */
  body: string;
  /** The server closed or reset the connection (as opposed to our own timeout). */
  ended: 'closed' | 'reset' | 'timeout';
  raw: string;
}

export interface RawOptions {
  /** Milliseconds to wait for the whole answer before giving up (a hang is a failure). Default 10 s. */
  timeoutMs?: number;
  /** Written after `first` once this many ms have passed (a slow client), or never when null. */
  later?: { afterMs: number; data: Buffer | string } | null;
}

function parseAnswer(raw: Buffer): Pick<RawAnswer, 'status' | 'headers' | 'body'> {
  const text = raw.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  if (end < 0) return { status: null, headers: {}, body: '' };
  const [statusLine = '', ...headerLines] = text.slice(0, end).split('\r\n');
  const status = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine)?.[1];
  const headers: Record<string, string> = {};
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  let body = raw.subarray(Buffer.byteLength(text.slice(0, end + 4), 'latin1'));
  if (headers['transfer-encoding']?.toLowerCase() === 'chunked') {
    const parts: Buffer[] = [];
    let at = 0;
    for (;;) {
      const lineEnd = body.indexOf('\r\n', at);
      if (lineEnd < 0) break;
      const size = Number.parseInt(body.subarray(at, lineEnd).toString('latin1'), 16);
      if (!Number.isFinite(size) || size === 0) break;
      parts.push(body.subarray(lineEnd + 2, lineEnd + 2 + size));
      at = lineEnd + 2 + size + 2;
    }
    body = Buffer.concat(parts);
  } else if (headers['content-length'] !== undefined) {
    body = body.subarray(0, Number(headers['content-length']));
  }
  return { status: status === undefined ? null : Number(status), headers, body: body.toString('utf8') };
}

/**
 * Sends bytes to 127.0.0.1:port as they are (no client library smoothing them over) and reads
 * until the server closes the connection. Requests should carry `connection: close`.
 */
export function rawExchange(port: number, first: Buffer | string, options: RawOptions = {}): Promise<RawAnswer> {
  const { timeoutMs = 10_000, later = null } = options;
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    const chunks: Buffer[] = [];
    let done = false;
    const finish = (ended: RawAnswer['ended']): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      if (laterTimer !== null) clearTimeout(laterTimer);
      socket.destroy();
      const raw = Buffer.concat(chunks);
      resolve({ ...parseAnswer(raw), ended, raw: raw.toString('latin1') });
    };
    const timer = setTimeout(() => finish('timeout'), timeoutMs);
    let laterTimer: NodeJS.Timeout | null = null;
    socket.on('data', (chunk: Buffer) => chunks.push(chunk));
    socket.on('end', () => finish('closed'));
    socket.on('close', () => finish('closed'));
    socket.on('error', () => finish('reset'));
    socket.on('connect', () => {
      socket.write(first, () => {
        if (later !== null) {
          laterTimer = setTimeout(() => {
            if (!socket.destroyed) socket.write(later.data);
          }, later.afterMs);
        }
      });
    });
  });
}

/** A request as bytes: `headers` in order (duplicates allowed), `connection: close` added. */
export function requestBytes(
  method: string,
  target: string,
  headers: ReadonlyArray<readonly [string, string]>,
  body: Buffer | string = '',
  options: { contentLength?: number | string | null } = {},
): Buffer {
  const payload = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const lines = [`${method} ${target} HTTP/1.1`, 'host: 127.0.0.1', ...headers.map(([n, v]) => `${n}: ${v}`)];
  const declared = options.contentLength === undefined ? (payload.byteLength > 0 ? payload.byteLength : null) : options.contentLength;
  if (declared !== null) lines.push(`content-length: ${declared}`);
  lines.push('connection: close');
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8'), payload]);
}
