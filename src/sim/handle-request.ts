import type { SchemaJobErrorCode, SchemaModel, SchemaModelList, SchemaVideoGenerationRequest } from '../generated/api.js';
import { matchOperation, type Operation } from '../contract/openapi-document.js';
import { accountFor, countRequest, keyFingerprint, rateLimitHeaders, settleRefunds, type RateLimitReading } from './accounts.js';
import { handleAdmin } from './admin.js';
import { answer, errorAnswer, jsonAnswer } from './answers.js';
import type { SimRequest, SimResponse } from './exchange.js';
import { drawFor, sampleLatency, takeArmedFault } from './faults.js';
import { jobView, MEDIA_FILENAME } from './job-view.js';
import { isTerminal, phaseOf } from './lifecycle.js';
import { parseRange, videoFor } from './media.js';
import { parsePrefer, type Preferences } from './prefer.js';
import { checkRequest } from './read-body.js';
import { hexAt } from './random.js';
import { redactKeys } from './redact-keys.js';
import { apiKeyPattern, defaultAspectRatio, defaultDuration, defaultResolution, failureCodes } from './spec-values.js';
import type { Account, JobRecord, JournalEntry, SimState } from './state.js';

/** The clock: the time source plus the advanced offset, never running backwards. */
export function clockNow(state: SimState, sourceNowMs: number): number {
  const now = Math.max(state.lastNowMs, Math.floor(sourceNowMs) + state.clockOffsetMs);
  state.lastNowMs = now;
  return now;
}

const HIDDEN_HEADERS = new Set(['authorization', 'cookie', 'x-aigw-admin-token', 'proxy-authorization']);

interface Context {
  state: SimState;
  request: SimRequest;
  nowMs: number;
  requestId: string;
  pathname: string;
  query: URLSearchParams;
  method: string;
}

/**
 * The simulation core: one request in, one answer out, the state updated in place. No I/O, no
 * timers: the time comes in as `sourceNowMs`, randomness from the seed in the state's config.
 */
export function handleRequest(state: SimState, request: SimRequest, sourceNowMs: number): SimResponse {
  const nowMs = clockNow(state, sourceNowMs);
  const requestId = `req_${hexAt(16, state.config.seed, 'request', state.requestSeq++)}`;
  let url: URL;
  try {
    url = new URL(request.url, 'http://mock.invalid');
  } catch {
    return finish(null, { state, request, nowMs, requestId, pathname: request.url, query: new URLSearchParams(), method: request.method }, errorAnswer(400, { message: 'The request URL is malformed.', code: 'invalid_url', param: 'url' }));
  }
  const ctx: Context = {
    state,
    request,
    nowMs,
    requestId,
    pathname: url.pathname,
    query: url.searchParams,
    method: request.method.toUpperCase(),
  };
  if (ctx.pathname === '/__mock' || ctx.pathname.startsWith('/__mock/')) {
    if (state.config.adminEnabled) {
      const response = handleAdmin(state, request, ctx.pathname, ctx.query, nowMs);
      response.headers['x-request-id'] = requestId;
      return response;
    }
  }
  const method = ctx.method === 'HEAD' ? 'GET' : ctx.method;
  const match = matchOperation(method, ctx.pathname);
  if (match.operation === null || match.operation.document !== 'video') {
    const allowed = match.operation === null ? match.allowed.map((m) => m.toUpperCase()) : [];
    const headers: Record<string, string> = allowed.length > 0 ? { allow: allowed.join(', ') } : {};
    const supports = allowed.length > 0 ? ` This path supports ${allowed.join(', ')}.` : '';
    return finish(
      null,
      ctx,
      errorAnswer(404, {
        message: `${ctx.method} ${ctx.pathname.slice(0, 300)} is not an endpoint of this API.${supports}`,
        code: 'unknown_endpoint',
      }, headers),
    );
  }
  return serveOperation(ctx, match.operation, match.pathParams);
}

function serveOperation(ctx: Context, operation: Operation, pathParams: Record<string, string>): SimResponse {
  const { state } = ctx;
  const prefs = parsePrefer(ctx.request.headers['prefer']);
  const forcedRaw = ctx.query.get('__code');
  const forcedCode = prefs.code ?? (forcedRaw === null ? undefined : /^\d{3}$/.test(forcedRaw) ? Number(forcedRaw) : Number.NaN);
  let successStatus: number | null = null;
  if (forcedCode !== undefined) {
    const documented = operation.responses.map((r) => Number(r.status));
    if (!documented.includes(forcedCode)) {
      const param = prefs.code !== undefined ? 'Prefer' : '__code';
      return finish(null, ctx, errorAnswer(400, {
        message: `${param}: code=${prefs.raw['code'] ?? forcedRaw ?? ''} is not documented for ${operation.operationId}; documented codes: ${documented.join(', ')}.`,
        code: 'undocumented_status',
        param,
      }), operation);
    }
    if (forcedCode >= 400) {
      return finish(null, ctx, forcedError(state, forcedCode, prefs.retryAfter), operation, 'prefer');
    }
    successStatus = forcedCode;
  }

  let account: Account | null = null;
  let limits: RateLimitReading | null = null;
  if (operation.needsAuth) {
    const key = apiKeyOf(state, ctx.request.headers['authorization']);
    if (key === null) {
      return finish(null, ctx, errorAnswer(401, { param: 'Authorization' }), operation);
    }
    account = accountFor(state, key);
    limits = countRequest(account, state.config.rpm, ctx.nowMs);
    if (limits.retryAfter !== null) {
      return finish(account, ctx, errorAnswer(429, {
        vars: { limit: limits.limit, retryAfter: limits.retryAfter },
      }, { 'retry-after': String(limits.retryAfter), ...rateLimitHeaders(limits) }), operation, 'rate-limit');
    }
  }

  let response: SimResponse;
  let fault: string | null = null;
  const draw = account === null ? null : drawFor(state.config, account);
  const armed = account === null ? null : takeArmedFault(account, operation.operationId);
  if (armed !== null && armed.socket !== null) {
    response = jsonAnswer(200, {});
    response.socketFault = armed.socket;
    fault = `socket:${armed.socket}`;
  } else if (armed !== null && armed.status !== null) {
    response = forcedError(state, armed.status, armed.retry_after ?? undefined);
    fault = 'armed';
  } else if (draw !== null && state.config.faultRate > 0 && draw('fault') < state.config.faultRate) {
    response = forcedError(state, draw('fault-kind') < 0.5 ? 500 : 503, undefined);
    fault = 'fault-rate';
  } else if (operation.operationId === 'createVideo') {
    response = createVideo(ctx, account as Account, prefs);
  } else if (operation.operationId === 'getJob') {
    response = getJob(ctx, account as Account, pathParams);
  } else if (operation.operationId === 'listModels') {
    response = listModels(ctx);
  } else {
    response = downloadMedia(ctx, pathParams);
  }
  if (successStatus !== null && response.status >= 200 && response.status < 300) {
    response.status = successStatus;
    response.headers['preference-applied'] = `code=${successStatus}`;
  }
  if (limits !== null) Object.assign(response.headers, rateLimitHeaders(limits));
  if (draw !== null) response.latencyMs = sampleLatency(state.config, operation.operationId, draw);
  return finish(account, ctx, response, operation, fault);
}

/** An answer with the status a caller asked for: the spec's body and required headers. */
function forcedError(state: SimState, status: number, retryAfter: number | undefined): SimResponse {
  const seconds = String(retryAfter ?? state.config.retryAfterSeconds);
  const headers: Record<string, string> =
    status === 429
      ? {
          'retry-after': seconds,
          'x-ratelimit-limit-requests': String(state.config.rpm),
          'x-ratelimit-remaining-requests': '0',
          'x-ratelimit-reset-requests': seconds,
        }
      : status === 503
        ? { 'retry-after': seconds }
        : {};
  const vars = {
    param: 'body',
    detail: 'rejected on request (forced status)',
    what: 'Resource',
    cost: '0.00',
    balance: '0.00',
    maxBytes: state.config.bodyLimitBytes,
    contentType: 'forced',
    limit: state.config.rpm,
    retryAfter: seconds,
    range: 'bytes=0-0',
    size: 0,
  };
  if (status === 416) headers['content-range'] = 'bytes */0';
  const response = errorAnswer(status, { vars }, headers);
  response.headers['preference-applied'] = `code=${status}`;
  return response;
}

function apiKeyOf(state: SimState, authorization: string | undefined): string | null {
  const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? '');
  const key = match?.[1];
  if (key === undefined || !apiKeyPattern.test(key)) return null;
  if (state.config.apiKeys !== null && !state.config.apiKeys.includes(key)) return null;
  return keyFingerprint(key);
}

function createVideo(ctx: Context, account: Account, prefs: Preferences): SimResponse {
  const { state, nowMs } = ctx;
  const { config } = state;
  const checked = checkRequest('createVideo', ctx.request, {}, config.bodyLimitBytes);
  if (!checked.ok) return checked.response;
  const body = checked.body as SchemaVideoGenerationRequest;
  const model = config.models.find((m) => m.id === body.model);
  if (model === undefined) {
    return errorAnswer(404, {
      message: `Model '${body.model}' not found. Video models: ${config.models.map((m) => m.id).join(', ')}.`,
      code: 'model_not_found',
      param: 'model',
    });
  }
  let failure: SchemaJobErrorCode | null = null;
  if (prefs.failure !== undefined && !(failureCodes as readonly string[]).includes(prefs.failure)) {
    return errorAnswer(400, {
      message: `Prefer: failure=${prefs.failure} is not a known failure; known: ${failureCodes.join(', ')}.`,
      code: 'invalid_value',
      param: 'Prefer',
    });
  }
  const draw = drawFor(config, account);
  const outcome = prefs.outcome ?? (draw('outcome') < config.failureRate ? 'failed' : 'completed');
  if (outcome === 'failed') {
    failure =
      (prefs.failure as SchemaJobErrorCode | undefined) ??
      (failureCodes[Math.floor(draw('failure') * failureCodes.length)] as SchemaJobErrorCode);
  }
  const duration = body.duration ?? defaultDuration;
  const costCents = duration * model.price_per_second_cents;
  settleRefunds(state, account, nowMs);
  if (account.balanceCents < costCents) {
    return errorAnswer(402, {
      vars: { cost: (costCents / 100).toFixed(2), balance: (account.balanceCents / 100).toFixed(2) },
    });
  }
  let id = `job_${hexAt(24, config.seed, account.key, account.seq, 'job')}`;
  for (let salt = 1; state.jobs.has(id); salt++) id = `job_${hexAt(24, config.seed, account.key, account.seq, 'job', salt)}`;
  const steps = config.timing === 'steps';
  const job: JobRecord = {
    id,
    key: account.key,
    model: model.id,
    duration,
    aspectRatio: body.aspect_ratio ?? defaultAspectRatio,
    resolution: body.resolution ?? defaultResolution,
    createdMs: nowMs,
    costCents,
    outcome,
    failure,
    timing: config.timing,
    queuedMs: steps ? 0 : config.realtime.queuedMs,
    processingMs: steps ? 0 : duration * config.realtime.processingMsPerSecond,
    processingPolls: steps ? config.steps.processingPolls : 0,
    polls: 0,
    stepUpdatedMs: nowMs,
    refunded: false,
    webhook: body.webhook_url === undefined ? null : { url: body.webhook_url, origin: origin(ctx), done: false },
  };
  if (job.webhook !== null) state.webhookPending.add(id);
  account.balanceCents -= costCents;
  account.spentCents += costCents;
  if (outcome === 'failed') account.pendingRefunds.push(id);
  evictJobs(state, nowMs);
  state.jobs.set(id, job);
  state.dirty.jobs.add(id);
  state.dirty.accounts.add(account.key);
  return jsonAnswer(202, jobView(job, nowMs, origin(ctx)));
}

/** Drops expired jobs and, past the bound, the oldest: the store is in creation order. */
function evictJobs(state: SimState, nowMs: number): void {
  for (const [id, job] of state.jobs) {
    const expired = job.createdMs + state.config.jobTtlMs <= nowMs;
    if (!expired && state.jobs.size < state.config.maxJobs) break;
    state.jobs.delete(id);
    state.dirty.jobs.add(id);
  }
}

function liveJob(state: SimState, id: string, nowMs: number): JobRecord | null {
  const job = state.jobs.get(id);
  if (job === undefined || job.createdMs + state.config.jobTtlMs <= nowMs) return null;
  return job;
}

function getJob(ctx: Context, account: Account, pathParams: Record<string, string>): SimResponse {
  const { state, nowMs } = ctx;
  // No parameter check: an id the spec's JobId schema rejects names no job, and the lookup's 404 says
  // so (getJob documents no 400).
  const id = pathParams['id'] ?? '';
  const job = liveJob(state, id, nowMs);
  // Another key's job is as unknown as a job that never was: ids must not leak across keys.
  if (job === null || job.key !== account.key) {
    return errorAnswer(404, { vars: { what: `Job '${shorten(id)}'` }, code: 'job_not_found', param: 'id' });
  }
  if (job.timing === 'steps' && !isTerminal(phaseOf(job, nowMs).status)) {
    const before = phaseOf(job, nowMs).status;
    job.polls += 1;
    if (phaseOf(job, nowMs).status !== before) job.stepUpdatedMs = nowMs;
    state.dirty.jobs.add(job.id);
  }
  settleRefunds(state, account, nowMs);
  return jsonAnswer(200, jobView(job, nowMs, origin(ctx)));
}

function listModels(ctx: Context): SimResponse {
  const query = Object.fromEntries(ctx.query);
  const checked = checkRequest('listModels', ctx.request, { query }, ctx.state.config.bodyLimitBytes);
  if (!checked.ok) return checked.response;
  const { modality, provider } = query;
  const data: SchemaModel[] = ctx.state.config.models
    .filter((m) => (modality === undefined || m.modality === modality) && (provider === undefined || m.owned_by === provider))
    .map((m) => ({ id: m.id, object: 'model', owned_by: m.owned_by, modality: m.modality, pricing: { per_second_usd: m.price_per_second_cents / 100 } }));
  return jsonAnswer(200, { object: 'list', data } satisfies SchemaModelList);
}

function downloadMedia(ctx: Context, pathParams: Record<string, string>): SimResponse {
  const { state, nowMs, request } = ctx;
  // As for getJob, ids the schema rejects name no file: the lookup answers the documented 404.
  const jobId = pathParams['job_id'] ?? '';
  const filename = pathParams['filename'] ?? '';
  const job = liveJob(state, jobId, nowMs);
  if (job === null || filename !== MEDIA_FILENAME || phaseOf(job, nowMs).status !== 'completed') {
    return errorAnswer(404, { vars: { what: `File '${shorten(jobId)}/${shorten(filename)}'` }, code: 'file_not_found', param: job === null ? 'job_id' : 'filename' });
  }
  const bytes = videoFor(job.aspectRatio);
  const size = bytes.byteLength;
  const range = parseRange(request.headers['range'], size);
  const common = { 'content-type': 'video/mp4', 'accept-ranges': 'bytes', 'cache-control': 'private, max-age=86400' };
  const head = ctx.method === 'HEAD';
  if (range.kind === 'unsatisfiable') {
    return errorAnswer(416, {
      vars: { range: request.headers['range'] ?? '', size },
      param: 'Range',
    }, { 'content-range': `bytes */${size}` });
  }
  if (range.kind === 'partial') {
    const slice = bytes.subarray(range.start, range.end + 1);
    return answer(206, head ? { kind: 'none' } : { kind: 'bytes', data: slice }, {
      ...common,
      'content-length': String(slice.byteLength),
      'content-range': `bytes ${range.start}-${range.end}/${size}`,
    });
  }
  return answer(200, head ? { kind: 'none' } : { kind: 'bytes', data: bytes }, { ...common, 'content-length': String(size) });
}

const origin = (ctx: Context): string => ctx.state.config.publicBaseUrl ?? ctx.request.origin;

/** Stamps the request id, records the exchange in the journal and answers. */
function finish(
  account: Account | null,
  ctx: Context,
  response: SimResponse,
  operation: Operation | null = null,
  fault: string | null = null,
): SimResponse {
  response.headers['x-request-id'] = ctx.requestId;
  if (ctx.method === 'HEAD' && response.body.kind === 'json') response.body = { kind: 'none' };
  const { state } = ctx;
  if (state.config.journalLimit > 0) {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(ctx.request.headers)) {
      // A key sent the wrong way (x-api-key, a query string) is still a key: never written down.
      if (value !== undefined && !HIDDEN_HEADERS.has(name)) headers[name] = redactKeys(value.slice(0, 1024));
    }
    const body = response.body.kind === 'json' ? (response.body.value as Record<string, unknown> | null) : null;
    const jobId =
      (typeof body?.['id'] === 'string' && body['id'].startsWith('job_') ? body['id'] : null) ??
      (ctx.pathname.match(/^\/v1\/(?:jobs|files\/jobs)\/([^/]+)/)?.[1] ?? null);
    const entry: JournalEntry = {
      seq: ++state.journalSeq,
      time: ctx.nowMs,
      method: ctx.method,
      path: redactKeys(ctx.pathname.slice(0, 2048)),
      operation: operation?.operationId ?? null,
      // reset and empty break the exchange before any status line; the other faults send a 200 first.
      status: response.socketFault === 'reset' || response.socketFault === 'empty' ? 0 : response.status,
      duration_ms: 0,
      key: account?.key ?? null,
      request_id: ctx.requestId,
      job_id: jobId === null ? null : redactKeys(safeDecode(jobId).slice(0, 256)),
      fault,
      headers,
      credentials: credentialPlaces(ctx.request.headers, ctx.query),
    };
    state.journal.push(entry);
    // shift(), not splice(0, n): V8 trims the array's start in place for shift, while splice copies
    // the whole journal on every request (92% of finish(), a fifth of a create, in a CPU profile).
    while (state.journal.length > state.config.journalLimit) state.journal.shift();
    response.journal = entry;
  }
  return response;
}

const CREDENTIAL_HEADERS = ['authorization', 'x-api-key', 'api-key', 'cookie'] as const;
const KEY_QUERY_NAMES = new Set(['api_key', 'apikey', 'api-key', 'key', 'access_token', 'token']);

/** Where a request carried credentials, never what they were (judges where a client sends its key). */
function credentialPlaces(headers: SimRequest['headers'], query: URLSearchParams): JournalEntry['credentials'] {
  const places: JournalEntry['credentials'] = CREDENTIAL_HEADERS.filter((name) => (headers[name] ?? '').trim() !== '');
  for (const [name, value] of query) {
    if (KEY_QUERY_NAMES.has(name.toLowerCase()) || /sk-aig-/i.test(value)) {
      places.push('query');
      break;
    }
  }
  return places;
}

const shorten = (text: string): string => (text.length > 80 ? `${text.slice(0, 77)}...` : text);

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}
