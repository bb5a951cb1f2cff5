import fc from 'fast-check';
import { getOperation } from '../../contract/openapi-document.js';
import { badCredentials, defect, defaultModel, unknownJobId, validRequest } from '../arbitraries.js';
import type { CheckContext } from '../check.js';
import { send, type Exchange } from '../exchange.js';
import { sendCreate } from '../jobs.js';
import type { Target } from '../target.js';

/** One request of the stateless exploration, as plain data (fast-check prints it as the counterexample). */
export interface ApiCall {
  kind: string;
  operationId: 'createVideo' | 'getJob' | 'listModels' | 'downloadJobMedia';
  method: string;
  path: string;
  /** `own`: the check's key; null: no Authorization; a string: that raw Authorization header. */
  auth: 'own' | null | string;
  headers: Record<string, string>;
  json?: unknown;
  rawBody?: string;
  /** The status the target must answer, when the call decides it (a forced code, bad credentials...). */
  expectStatus: number | null;
  /** A 5xx was asked for (`Prefer: code=500`, an armed fault). */
  askedForServerError: boolean;
  /** Set up through the control API before the call (mock only). */
  setup?: { wallet?: number; fault?: { operation: string; status: number; retry_after?: number } };
}

/** Downloads accept the video and the error envelope. */
export const MEDIA_ACCEPT = 'video/mp4, application/json';

const documentedStatuses = (operationId: string): number[] => getOperation(operationId).responses.map((r) => Number(r.status));

const createCall = (kind: string, body: unknown, rest: Partial<ApiCall> = {}): ApiCall => ({
  kind,
  operationId: 'createVideo',
  method: 'POST',
  path: '/v1/videos/generations',
  auth: 'own',
  headers: {},
  json: body,
  expectStatus: null,
  askedForServerError: false,
  ...rest,
});

/** Requests any target can answer for free (nothing is created). */
export function freeCalls(target: Target): fc.Arbitrary<ApiCall> {
  const cheap = validRequest({ ...target, costFree: false });
  const malformed = [
    fc.constantFrom('text/plain', 'application/x-www-form-urlencoded').map((type) =>
      createCall(`create sent as ${type}`, undefined, { json: undefined, rawBody: `model=${defaultModel}&prompt=lake`, headers: { 'content-type': type }, expectStatus: 415 }),
    ),
    fc.constantFrom('{"model":', '{"model": "x", "prompt": }', '[1,2').map((raw) =>
      createCall('create with malformed JSON', undefined, { json: undefined, rawBody: raw, headers: { 'content-type': 'application/json' }, expectStatus: 400 }),
    ),
  ];
  return fc.oneof(
    unknownJobId.map((id): ApiCall => ({
      kind: 'unknown job',
      operationId: 'getJob',
      method: 'GET',
      path: `/v1/jobs/${id}`,
      auth: 'own',
      headers: {},
      expectStatus: target.statelessReason === null ? 404 : null,
      askedForServerError: false,
    })),
    fc.tuple(unknownJobId, badCredentials(target.checksKeyValue)).map(([id, cred]): ApiCall => ({
      kind: `getJob with ${cred.name}`,
      operationId: 'getJob',
      method: 'GET',
      path: `/v1/jobs/${id}`,
      auth: cred.authorization,
      headers: {},
      expectStatus: 401,
      askedForServerError: false,
    })),
    fc.tuple(cheap, defect).map(([body, d]) => {
      const broken: Record<string, unknown> = { ...body };
      d.apply(broken);
      return createCall(`create with ${d.name}`, broken, { expectStatus: 400 });
    }),
    cheap.map((body) => createCall('create for an unknown model', { ...body, model: 'nobody/no-such-video-model' }, { expectStatus: target.statelessReason === null ? 404 : null })),
    ...(target.noMalformedBodiesReason === null ? malformed : []),
    fc.constantFrom('', '?modality=video', '?provider=openai').map((query): ApiCall => ({
      kind: `list models${query}`,
      operationId: 'listModels',
      method: 'GET',
      path: `/v1/models${query}`,
      auth: 'own',
      headers: {},
      expectStatus: 200,
      askedForServerError: false,
    })),
    badCredentials(target.checksKeyValue).map((cred): ApiCall => ({
      kind: `list models with ${cred.name}`,
      operationId: 'listModels',
      method: 'GET',
      path: '/v1/models',
      auth: cred.authorization,
      headers: {},
      expectStatus: 401,
      askedForServerError: false,
    })),
    unknownJobId.map((id): ApiCall => ({
      kind: 'download of an unknown file',
      operationId: 'downloadJobMedia',
      method: 'GET',
      path: `/v1/files/jobs/${id}/video.mp4`,
      auth: null,
      headers: { accept: MEDIA_ACCEPT },
      expectStatus: target.statelessReason === null ? 404 : null,
      askedForServerError: false,
    })),
  );
}

/**
 * Statuses forced with `Prefer: code=NNN` (or `?__code=NNN` on the mock): any documented one, or
 * (`serverErrors`) only the 5xx ones, which clients must survive and which are rare otherwise.
 */
function forcedCalls(target: Target, serverErrors = false): fc.Arbitrary<ApiCall> {
  const body = validRequest(target);
  const operation = fc.constantFrom(...(serverErrors ? ['createVideo', 'getJob'] : ['createVideo', 'getJob', 'downloadJobMedia'])) as fc.Arbitrary<ApiCall['operationId']>;
  return fc
    .tuple(operation, body, unknownJobId, fc.boolean(), fc.integer({ min: 1, max: 120 }), fc.boolean())
    .chain(([operationId, json, id, viaQuery, retryAfter, withRetryAfter]) =>
      fc.constantFrom(...documentedStatuses(operationId).filter((s) => (serverErrors ? s >= 500 : s >= 400 || operationId === 'createVideo'))).map((code): ApiCall => {
        const query = viaQuery && target.isMock;
        const prefer = [query ? null : `code=${code}`, withRetryAfter && target.isMock ? `retry-after=${retryAfter}` : null].filter((p) => p !== null).join(', ');
        const base = { auth: 'own' as const, headers: prefer === '' ? {} : { prefer }, askedForServerError: code >= 500, expectStatus: code };
        const suffix = query ? `?__code=${code}` : '';
        if (operationId === 'createVideo') return { ...base, kind: `create forced to ${code}`, operationId, method: 'POST', path: `/v1/videos/generations${suffix}`, json };
        if (operationId === 'getJob') return { ...base, kind: `getJob forced to ${code}`, operationId, method: 'GET', path: `/v1/jobs/${id}${suffix}` };
        return { ...base, headers: { ...base.headers, accept: MEDIA_ACCEPT }, auth: null, kind: `download forced to ${code}`, operationId, method: 'GET', path: `/v1/files/jobs/${id}/video.mp4${suffix}` };
      }),
    );
}

/** Outcomes set up through the control API: an empty wallet (402), an armed fault. */
function setUpCalls(target: Target): fc.Arbitrary<ApiCall> {
  const faultStatuses = documentedStatuses('getJob').filter((s) => s >= 400);
  return fc.oneof(
    validRequest(target).map((json) => createCall('create with an empty wallet', json, { expectStatus: 402, setup: { wallet: 0 } })),
    fc.tuple(unknownJobId, fc.constantFrom(...faultStatuses), fc.option(fc.integer({ min: 1, max: 300 }), { nil: undefined })).map(
      ([id, status, retryAfter]): ApiCall => ({
        kind: `getJob with an armed ${status} fault`,
        operationId: 'getJob',
        method: 'GET',
        path: `/v1/jobs/${id}`,
        auth: 'own',
        headers: {},
        expectStatus: status,
        askedForServerError: status >= 500,
        setup: { fault: { operation: 'getJob', status, ...(retryAfter !== undefined ? { retry_after: retryAfter } : {}) } },
      }),
    ),
  );
}

/** The stateless exploration: free calls everywhere, plus valid creates and forced outcomes where they cost nothing. */
export function apiCalls(target: Target): fc.Arbitrary<ApiCall> {
  const arbitraries: fc.WeightedArbitrary<ApiCall>[] = [{ arbitrary: freeCalls(target), weight: 3 }];
  if (target.costFree) arbitraries.push({ arbitrary: validRequest(target).map((json) => createCall('valid create', json)), weight: 1 });
  if (target.honoursPrefer) {
    arbitraries.push({ arbitrary: forcedCalls(target), weight: 2 });
    arbitraries.push({ arbitrary: forcedCalls(target, true), weight: 1 });
  }
  if (target.isMock) arbitraries.push({ arbitrary: setUpCalls(target), weight: 1 });
  return fc.oneof(...arbitraries);
}

/**
 * One call per error status the target can be made to answer: bad credentials (401), an invalid
 * body (400), an unknown job (404); where `Prefer` is honoured every documented error status of
 * each operation; on the mock an empty wallet (402). Checks try them before the random ones.
 */
export function errorExamples(target: Target): ApiCall[] {
  const body = { model: defaultModel, prompt: 'a slow drone shot over a mountain lake', duration: 1 };
  const calls: ApiCall[] = [
    { kind: 'getJob without Authorization', operationId: 'getJob', method: 'GET', path: '/v1/jobs/job_doesnotexist', auth: null, headers: {}, expectStatus: 401, askedForServerError: false },
    createCall('create without a prompt', { model: defaultModel, duration: 1 }, { expectStatus: 400 }),
  ];
  if (target.statelessReason === null) {
    calls.push({ kind: 'unknown job', operationId: 'getJob', method: 'GET', path: '/v1/jobs/job_doesnotexist', auth: 'own', headers: {}, expectStatus: 404, askedForServerError: false });
  }
  if (target.honoursPrefer) {
    for (const operationId of ['createVideo', 'getJob'] as const) {
      for (const code of documentedStatuses(operationId).filter((s) => s >= 400)) {
        const headers = { prefer: `code=${code}` };
        calls.push(
          operationId === 'createVideo'
            ? createCall(`create forced to ${code}`, body, { headers, expectStatus: code, askedForServerError: code >= 500 })
            : { kind: `getJob forced to ${code}`, operationId, method: 'GET', path: '/v1/jobs/job_doesnotexist', auth: 'own', headers, expectStatus: code, askedForServerError: code >= 500 },
        );
      }
    }
  }
  if (target.isMock) calls.push(createCall('create with an empty wallet', body, { expectStatus: 402, setup: { wallet: 0 } }));
  return calls;
}

/** Sends a call (and its control-API setup), with the check's key. */
export async function performCall(ctx: CheckContext, call: ApiCall, key: string): Promise<Exchange> {
  const headers = { ...call.headers };
  if (call.auth !== 'own' && call.auth !== null) headers['authorization'] = call.auth;
  const sendKey = call.auth === 'own' ? key : null;
  if (call.setup?.wallet !== undefined) await send(ctx.target, { method: 'PUT', path: '/__mock/wallet', key, json: { balance_cents: call.setup.wallet } });
  if (call.setup?.fault !== undefined) await send(ctx.target, { method: 'POST', path: '/__mock/faults', key, json: { ...call.setup.fault, count: 1 } });
  try {
    if (call.operationId === 'createVideo' && call.json !== undefined) return await sendCreate(ctx, sendKey, call.json, headers, call.path, call.expectStatus);
    const exchange = await send(ctx.target, {
      method: call.method,
      path: call.path,
      key: sendKey,
      headers,
      ...(call.json !== undefined ? { json: call.json } : {}),
      ...(call.rawBody !== undefined ? { rawBody: call.rawBody } : {}),
      operationId: call.operationId,
      expectRateLimit: call.expectStatus === 429,
    });
    ctx.drift.observeExchange(exchange);
    return exchange;
  } finally {
    // The control API takes a POST only as JSON (no browser may send one unasked), body or not.
    if (call.setup?.wallet !== undefined) await send(ctx.target, { method: 'POST', path: '/__mock/reset', key, headers: { 'content-type': 'application/json' } });
  }
}
