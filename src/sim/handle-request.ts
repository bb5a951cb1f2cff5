import { matchOperation, type Operation } from '../contract/openapi-document.js';
import type { VideoOperationId } from '../generated/operations.js';
import { addRateLimitHeaders, drawStream, rateLimitHeaders, readRateLimit, WINDOW_MS, type RateLimitReading } from './accounts.js';
import { handleAdmin } from './admin.js';
import { guardControl } from './control-guard.js';
import { errorAnswer, jsonAnswer } from './answers.js';
import { fingerprintOf, openRequest, syncedNow, type Core } from './core.js';
import type { SimRequest, SimResponse } from './exchange.js';
import { sampleLatency } from './sample-latency.js';
import { forcedError } from './forced-error.js';
import { parsePrefer } from './prefer.js';
import { hexAt } from './random.js';
import { recordExchange } from './record-exchange.js';
import { drawOf, type RequestContext } from './request-context.js';
import { requestTarget } from './request-target.js';
import { apiKeyPattern } from './spec-values.js';
import { videoOperations } from './video-operations.js';

/**
 * The simulation core: one request in, one answer out, the state changed through the store. No I/O
 * of its own and no timers: the time comes from the core's source, randomness from the seed.
 */
export async function handleRequest(core: Core, request: SimRequest): Promise<SimResponse> {
  const startedPerfMs = core.perfNow();
  const requestId = `req_${hexAt(16, core.config.seed, 'request', await core.store.nextSequence('request'))}`;
  // A malformed URL is answered below, once the context exists.
  const target = requestTarget(request.url);
  const pathname = target?.pathname ?? request.url;
  const method = request.method.toUpperCase();
  const contextAt = (nowMs: number): RequestContext => ({
    core,
    request,
    nowMs,
    startedPerfMs,
    requestId,
    pathname,
    query: target?.query ?? new URLSearchParams(),
    method,
    key: null,
    drawStream: null,
    admission: null,
    namedJob: null,
    preferenceIgnored: null,
  });
  if (target === null) {
    return recordExchange(contextAt(await syncedNow(core)), errorAnswer(400, { message: 'The request URL is malformed.', code: 'invalid_url', param: 'url' }));
  }
  if ((pathname === '/__mock' || pathname.startsWith('/__mock/')) && core.config.adminEnabled) {
    // Who may reach the control API at all is decided before any of its routes (docs/security.md).
    const response = guardControl(core.config, request, method) ?? (await handleAdmin(contextAt(await syncedNow(core))));
    response.headers['x-request-id'] = requestId;
    return response;
  }
  // The dialect's operations: a cancel route it lacks is an unknown endpoint, as on that gateway.
  const match = matchOperation(method === 'HEAD' ? 'GET' : method, pathname, core.config.dialect);
  if (match.operation === null || match.operation.document !== 'video') {
    const allowed = match.operation === null ? match.allowed.map((m) => m.toUpperCase()) : [];
    const supports = allowed.length > 0 ? ` This path supports ${allowed.join(', ')}.` : '';
    return recordExchange(
      contextAt(await syncedNow(core)),
      errorAnswer(
        404,
        { message: `${method} ${pathname.slice(0, 300)} is not an endpoint of this API.${supports}`, code: 'unknown_endpoint' },
        allowed.length > 0 ? { allow: allowed.join(', ') } : {},
      ),
    );
  }
  // An API operation starts with one step of the store: the clock, the key's admission (a known key
  // is admitted first, so that every answer to it, forced ones too, counts in its window and carries
  // its limits) and the job the path names.
  const { operation, pathParams } = match;
  const apiKey = operation.needsAuth ? apiKeyOf(core, request.headers['authorization']) : null;
  const key = apiKey === null ? null : await fingerprintOf(core, apiKey);
  const jobId = pathParams['id'] ?? pathParams['job_id'] ?? null;
  const limits = { rpm: core.config.rpm, windowMs: WINDOW_MS, startingCents: core.config.creditsCents };
  const opened = await openRequest(core, key === null ? null : { key, limits }, jobId);
  const ctx = contextAt(opened.nowMs);
  if (apiKey !== null) {
    ctx.key = key;
    ctx.drawStream = drawStream(apiKey);
    ctx.admission = opened.admission;
  }
  if (jobId !== null) ctx.namedJob = { id: jobId, job: opened.job };
  return serveOperation(ctx, operation, pathParams, apiKey !== null);
}

/**
 * The front door of every API operation: a forced code the operation documents (answered whatever
 * the key, as Prism does), auth, rate limit, faults, then the operation. A known key is admitted
 * first, so that every answer to it, forced ones too, counts in its window and carries its limits.
 */
async function serveOperation(ctx: RequestContext, operation: Operation, pathParams: Record<string, string>, authenticated: boolean): Promise<SimResponse> {
  const { config, store } = ctx.core;
  const operationId = operation.operationId as VideoOperationId;
  const prefs = parsePrefer(ctx.request.headers['prefer']);
  const forcedRaw = ctx.query.get('__code');
  let forcedCode = prefs.code ?? (forcedRaw === null ? undefined : /^\d{3}$/.test(forcedRaw) ? Number(forcedRaw) : Number.NaN);
  const documented = forcedCode === undefined ? [] : operation.responses.map((r) => Number(r.status));
  if (forcedCode !== undefined && !documented.includes(forcedCode)) {
    // RFC 7240: a server may ignore a preference it cannot honour. It says so, and answers as usual
    // (docs/decisions/017-an-undocumented-prefer-code-is-ignored.md).
    const asked = prefs.code !== undefined ? `code=${prefs.raw['code'] ?? ''}` : `__code=${forcedRaw ?? ''}`;
    // Printable ASCII only: it goes back in a header, and ?__code= may hold anything.
    ctx.preferenceIgnored = `${asked.slice(0, 40).replace(/[^\x20-\x7e]/g, '?')} (${operationId} documents ${documented.join(', ')})`;
    forcedCode = undefined;
  }
  const successStatus = forcedCode !== undefined && forcedCode < 400 ? forcedCode : null;

  const limits: RateLimitReading | null = ctx.admission === null ? null : readRateLimit(ctx.admission, config.rpm, ctx.nowMs);
  if (forcedCode !== undefined && forcedCode >= 400) {
    if (forcedCode === 429 && prefs.retryAfter === null) ctx.preferenceIgnored ??= 'retry-after=none (a 429 always carries Retry-After)';
    const forced = await forcedError(ctx, operationId, forcedCode, prefs.retryAfter);
    if (limits !== null && forcedCode !== 429) addRateLimitHeaders(forced.headers, limits);
    return recordExchange(ctx, forced, operationId, 'prefer');
  }
  if (operation.needsAuth && !authenticated) return recordExchange(ctx, errorAnswer(401, { param: 'Authorization' }), operationId);
  if (limits !== null && limits.retryAfter !== null) {
    return recordExchange(
      ctx,
      errorAnswer(429, { vars: { limit: limits.limit, retryAfter: limits.retryAfter } }, { 'retry-after': String(limits.retryAfter), ...rateLimitHeaders(limits) }),
      operationId,
      'rate-limit',
    );
  }

  let response: SimResponse;
  let fault: string | null = null;
  const draw = drawOf(ctx);
  const armed = ctx.key !== null && ctx.admission?.faultsArmed === true ? await store.takeFault(ctx.key, operationId) : null;
  if (armed !== null && armed.socket !== null) {
    response = jsonAnswer(200, {});
    response.socketFault = armed.socket;
    fault = `socket:${armed.socket}`;
  } else if (armed !== null && armed.status !== null) {
    response = await forcedError(ctx, operationId, armed.status, armed.retry_after);
    fault = 'armed';
  } else if (draw !== null && config.faultRate > 0 && draw('fault') < config.faultRate) {
    response = await forcedError(ctx, operationId, draw('fault-kind') < 0.5 ? 500 : 503, undefined);
    fault = 'fault-rate';
  } else {
    response = await videoOperations[operationId](ctx, pathParams);
  }
  if (successStatus !== null && response.status >= 200 && response.status < 300) {
    // A file is whole (200) or a range (206) by the request's Range, not by preference.
    if (operationId === 'downloadJobMedia' && response.status !== successStatus) {
      ctx.preferenceIgnored = `code=${successStatus} (this request's Range decides between 200 and 206)`;
    } else {
      response.status = successStatus;
      response.headers['preference-applied'] = `code=${successStatus}`;
      // A 304 (documented where the dialect throttles polls) carries no body.
      if (successStatus === 304) {
        response.body = { kind: 'none' };
        delete response.headers['content-type'];
      }
    }
  }
  if (limits !== null) addRateLimitHeaders(response.headers, limits);
  if (draw !== null) response.latencyMs = sampleLatency(config, operationId, draw);
  return recordExchange(ctx, response, operationId, fault);
}

/** The API key the request authenticates with, or null when it has none the mock accepts. */
function apiKeyOf(core: Core, authorization: string | undefined): string | null {
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? '');
  const key = match?.[1];
  if (key === undefined || !apiKeyPattern.test(key)) return null;
  const { apiKeys } = core.config;
  if (apiKeys !== null && !apiKeys.includes(key)) return null;
  return key;
}
