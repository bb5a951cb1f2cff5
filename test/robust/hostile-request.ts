import fc from 'fast-check';
import { requestBytes } from './raw-http.js';

/** One hostile exchange: the bytes to send, what it aims at, and whether it asked for a 5xx. */
export interface HostileRequest {
  label: string;
  bytes: Buffer;
  /** The operation it targets, to validate a documented answer; null for the rest. */
  operationId: 'createVideo' | 'getJob' | 'downloadJobMedia' | null;
  /** A `Prefer: code=5xx` or `?__code=5xx` makes a 5xx an answer somebody asked for. */
  asked5xx: boolean;
}

const MODEL = 'openai/sora-2-video-to-video-remix';
const keys = fc.constantFrom('sk-aig-robust-a', 'sk-aig-robust-b', 'sk-aig-robust-c');

/** Text that breaks naive code: RTL overrides, NUL, surrogates, combining marks, traversal. */
const nasty = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(
    '\u202eevil\u202c',
    'a\u0000b',
    '\u0000',
    '\ud800',
    '\udfff\ud800',
    'e\u0301\u0301\u0301',
    '../../../../etc/passwd',
    '..%2F..%2F..%2Fpackage.json',
    '%2e%2e%2f%2e%2e%2f',
    '..\\..\\windows\\win.ini',
    '/',
    '%00',
    '%',
    '%zz',
    '\r\nx-injected: 1',
    '${jndi:ldap://x}',
    '<script>alert(1)</script>',
    'job_' + 'a'.repeat(300),
    '__proto__',
    'constructor',
    'prototype',
    '😀'.repeat(50),
    '\ufeff\u200b\u2028\u2029',
  ),
);

/** Deeply nested JSON, as text (a recursive generator would blow its own stack first). */
const deepJson = fc.record({ depth: fc.integer({ min: 100, max: 200_000 }), kind: fc.constantFrom('array', 'object', 'prompt') }).map(({ depth, kind }) => {
  if (kind === 'array') return `${'['.repeat(depth)}${']'.repeat(depth)}`;
  if (kind === 'object') return `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`;
  return `{"model":"${MODEL}","prompt":${'['.repeat(depth)}"x"${']'.repeat(depth)}}`;
});

const validBody = fc.record({
  model: fc.constant(MODEL),
  prompt: fc.string({ minLength: 1, maxLength: 50 }),
  duration: fc.integer({ min: 1, max: 20 }),
});

const pollutingBody = fc
  .record({ key: fc.constantFrom('__proto__', 'constructor', 'prototype'), inner: fc.constantFrom('{"polluted":"yes"}', '{"prototype":{"polluted":"yes"}}', '"yes"', '[1,2]', 'null') })
  .map(({ key, inner }) => `{"model":"${MODEL}","prompt":"a lake","${key}":${inner},"aspect_ratio":{"__proto__":{"polluted":"yes"}}}`);

/** Bodies for a create: every way a JSON body can be wrong. */
const createBodies = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }).map((s) => ({ what: 'random text', text: s })),
  validBody.chain((b) => fc.integer({ min: 0, max: JSON.stringify(b).length - 1 }).map((cut) => ({ what: 'truncated JSON', text: JSON.stringify(b).slice(0, cut) }))),
  deepJson.map((text) => ({ what: 'deeply nested JSON', text })),
  fc.integer({ min: 4001, max: 900_000 }).map((n) => ({ what: 'huge prompt', text: JSON.stringify({ model: MODEL, prompt: 'x'.repeat(n) }) })),
  fc.integer({ min: 10_000, max: 900_000 }).map((n) => ({ what: 'huge unknown field', text: JSON.stringify({ model: MODEL, prompt: 'p', junk: 'y'.repeat(n) }) })),
  fc.jsonValue({ maxDepth: 4 }).map((v) => ({ what: 'any JSON value', text: JSON.stringify(v) ?? 'null' })),
  fc
    .record({ model: fc.jsonValue({ maxDepth: 2 }), prompt: fc.jsonValue({ maxDepth: 2 }), duration: fc.jsonValue({ maxDepth: 1 }), aspect_ratio: fc.jsonValue({ maxDepth: 1 }) }, { requiredKeys: [] })
    .map((v) => ({ what: 'wrong types', text: JSON.stringify(v) })),
  pollutingBody.map((text) => ({ what: '__proto__/constructor keys', text })),
  nasty.map((s) => ({ what: 'unicode/RTL/NUL prompt', text: JSON.stringify({ model: MODEL, prompt: s, duration: 1 }) })),
  nasty.map((s) => ({ what: 'unicode model', text: JSON.stringify({ model: s, prompt: 'p' }) })),
  validBody.map((b) => ({ what: 'valid body', text: JSON.stringify(b) })),
);

/** A path segment with hostile content, sent raw or percent-encoded. */
const segment = fc.tuple(nasty, fc.boolean()).map(([text, encode]) => {
  if (encode) return encodeURIComponent(text.replace(/[\ud800-\udfff]/g, '?'));
  // Raw: only what a request line can physically carry (no CR/LF/space), so the request reaches the router.
  return text.replace(/[\r\n \t]/g, '_') || 'x';
});

const contentTypes = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/plain', 'application/x-www-form-urlencoded', 'application/vnd.api+json', '', 'application/json; charset=utf-16');

const preferValues = fc.oneof(
  fc.constantFrom('code=429', 'code=500', 'code=503', 'code=404', 'code=999', 'code=abc', 'outcome=failed', 'failure=nope', 'retry-after=-1', 'code=402, outcome=failed', '__proto__=1', 'constructor=x'),
  fc.string({ unit: 'binary-ascii', maxLength: 60 }),
);

/** Extra headers: duplicates of the ones that matter, odd values, the occasional oversized one. */
const extraHeaders = fc.array(
  fc.oneof(
    fc.tuple(fc.constantFrom('authorization', 'content-type', 'prefer', 'x-aigw-admin-token', 'range', 'origin', '__proto__', 'constructor', 'content-encoding', 'transfer-encoding', 'expect'), fc.string({ unit: 'binary-ascii', maxLength: 80 })),
    keys.map((k) => ['authorization', `Bearer ${k}`] as [string, string]),
    fc.integer({ min: 8_000, max: 70_000 }).map((n) => ['x-big', 'h'.repeat(n)] as [string, string]),
    preferValues.map((v) => ['prefer', v] as [string, string]),
  ),
  { maxLength: 4 },
);

const clean = (value: string): string => value.replace(/[\r\n]/g, ' ');
const asks5xx = (headers: ReadonlyArray<readonly [string, string]>, target: string): boolean =>
  headers.some(([n, v]) => n.toLowerCase() === 'prefer' && /code\s*=\s*"?5\d\d/i.test(v)) || /[?&]__code=5\d\d/.test(target);

const build = (label: string, method: string, target: string, headers: Array<[string, string]>, body: string | Buffer, operationId: HostileRequest['operationId'], contentLength?: number | string | null): HostileRequest => {
  const safe = headers.map(([n, v]) => [n, clean(v)] as [string, string]);
  return {
    label,
    bytes: requestBytes(method, target, safe, body, contentLength === undefined ? {} : { contentLength }),
    operationId,
    asked5xx: asks5xx(safe, target),
  };
};

/** Hostile creates: bodies, content types, headers. */
export const hostileCreate: fc.Arbitrary<HostileRequest> = fc
  .record({ key: keys, body: createBodies, contentType: contentTypes, extra: extraHeaders, query: fc.constantFrom('', '?__code=500', '?__code=429', '?__code=abc', '?__proto__[x]=1', '?a=%zz') })
  .map(({ key, body, contentType, extra, query }) =>
    build(
      `create: ${body.what}`,
      'POST',
      `/v1/videos/generations${query}`,
      [['authorization', `Bearer ${key}`], ...(contentType === '' ? [] : [['content-type', contentType] as [string, string]]), ...extra],
      body.text,
      'createVideo',
    ),
  );

/** Hostile polls and downloads: ids and file names with traversal, unicode, NUL. */
export const hostileLookup: fc.Arbitrary<HostileRequest> = fc
  .record({ key: keys, id: segment, file: segment, media: fc.boolean(), method: fc.constantFrom('GET', 'GET', 'DELETE', 'PUT', 'PATCH', 'OPTIONS', 'TRACE'), extra: extraHeaders })
  .map(({ key, id, file, media, method, extra }) =>
    build(
      media ? 'download: hostile ids' : 'poll: hostile id',
      method,
      media ? `/v1/files/jobs/${id}/${file}` : `/v1/jobs/${id}`,
      [['authorization', `Bearer ${key}`], ...extra],
      '',
      method === 'GET' ? (media ? 'downloadJobMedia' : 'getJob') : null,
    ),
  );

/** Framing attacks: absurd or contradictory Content-Length, garbage request lines, control API bodies. */
export const hostileFraming: fc.Arbitrary<HostileRequest> = fc.oneof(
  fc
    .record({ key: keys, length: fc.constantFrom('99999999999999999999', '-1', 'abc', '1e15', '0x10', ' 5', '1048577', '18446744073709551616', '5, 6') })
    .map(({ key, length }) => build(`absurd Content-Length ${length}`, 'POST', '/v1/videos/generations', [['authorization', `Bearer ${key}`], ['content-type', 'application/json']], '{"model":', null, length)),
  fc
    .tuple(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 50 }))
    .map(([a, b]) =>
      build('duplicate Content-Length', 'POST', '/v1/videos/generations', [['content-length', String(a)], ['content-length', String(b)], ['content-type', 'application/json']], 'x'.repeat(a), null, null),
    ),
  fc.string({ unit: 'binary-ascii', maxLength: 120 }).map((line) => ({ label: 'garbage request', bytes: Buffer.from(`${line}\r\n\r\n`, 'latin1'), operationId: null, asked5xx: false })),
  fc
    .record({
      path: fc.constantFrom('/__mock/faults', '/__mock/clock', '/__mock/wallet', '/__mock/reset', '/__mock/journal?limit=-5', '/__mock/journal?limit=1e400', '/__mock/%2e%2e/health'),
      body: fc.oneof(pollutingBody, fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? 'null'), deepJson, fc.constantFrom('{"advance_ms":1e308}', '{"balance_cents":-1}', '{"operation":"*","status":500,"count":1e9}', '{"operation":"__proto__","status":400}')),
      method: fc.constantFrom('POST', 'PUT', 'GET', 'DELETE'),
    })
    // The control API is driven with a key of its own, so a fault it arms stays out of the other requests.
    .map(({ path, body, method }) => build(`control API ${method} ${path.split('?')[0] ?? ''}`, method, path, [['authorization', 'Bearer sk-aig-robust-admin'], ['content-type', 'application/json']], body, null)),
);
