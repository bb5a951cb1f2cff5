import type { SimRequest, SimResponse } from './exchange.js';
import { redactKeys, redactKeysInHeader } from './redact-keys.js';
import type { RequestContext } from './request-context.js';
import { errorCatalogIn } from '../contract/error-catalog.js';
import { decodeOrKeep } from '../contract/openapi-document.js';
import type { Dialect } from '../contract/dialects.js';
import type { JournalEntry } from './store.js';

const HIDDEN_HEADERS = new Set(['authorization', 'cookie', 'x-aigw-admin-token', 'proxy-authorization']);
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

/**
 * Every API answer leaves the core here, so here its error envelope takes the dialect's `error.type`
 * for its status (the error catalog as the dialect speaks it: `rate_limited`, `invalid_key`...),
 * whichever rule answered the error.
 */
function speakErrorType(response: SimResponse, dialect: Dialect): void {
  if (response.status < 400 || response.body.kind !== 'json') return;
  const error = (response.body.value as { error?: { type?: unknown } } | null)?.error;
  const type = errorCatalogIn(dialect).get(response.status)?.type;
  if (error !== undefined && typeof error === 'object' && error !== null && type !== undefined) error.type = type;
}

/**
 * Stamps the request id, hands the exchange to the journal and answers. The journal's duration runs
 * from the request's arrival to the answer, the injected latency included.
 */
export async function recordExchange(
  ctx: RequestContext,
  response: SimResponse,
  operationId: string | null = null,
  fault: string | null = null,
): Promise<SimResponse> {
  response.headers['x-request-id'] = ctx.requestId;
  speakErrorType(response, ctx.core.config.dialect);
  if (ctx.preferenceIgnored !== null) response.headers['x-aigw-preference-ignored'] = ctx.preferenceIgnored;
  if (ctx.method === 'HEAD' && response.body.kind === 'json') response.body = { kind: 'none' };
  const { config, store } = ctx.core;
  if (config.journalLimit <= 0) return response;
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(ctx.request.headers)) {
    // A key sent the wrong way (x-api-key, a query string) is still a key: never written down.
    if (value !== undefined && !HIDDEN_HEADERS.has(name)) headers[name] = redactKeysInHeader(value.slice(0, 1024));
  }
  const body = response.body.kind === 'json' ? (response.body.value as Record<string, unknown> | null) : null;
  const jobId =
    (typeof body?.['id'] === 'string' && body['id'].startsWith('job_') ? body['id'] : null) ??
    (ctx.pathname.match(/^\/v1\/(?:jobs|files\/jobs)\/([^/]+)/)?.[1] ?? null);
  const arrived = ctx.request.receivedAtMs ?? ctx.startedPerfMs;
  const duration = Math.max(0, ctx.core.perfNow() - arrived) + response.latencyMs;
  const entry: Omit<JournalEntry, 'seq'> = {
    time: ctx.nowMs,
    method: ctx.method,
    path: redactKeys(ctx.pathname.slice(0, 2048)),
    operation: operationId,
    // reset and empty break the exchange before any status line; the other faults send a 200 first.
    status: response.socketFault === 'reset' || response.socketFault === 'empty' ? 0 : response.status,
    duration_ms: Math.round(duration * 100) / 100,
    key: ctx.key,
    request_id: ctx.requestId,
    job_id: jobId === null ? null : redactKeys(decodeOrKeep(jobId).slice(0, 256)),
    // What a create or a poll saw of the job: the dashboard's timeline shows it per poll.
    job_status: body?.['object'] === 'job' && typeof body['status'] === 'string' ? body['status'] : null,
    fault,
    headers,
    credentials: credentialPlaces(ctx.request.headers, ctx.query),
    ...(ctx.preferenceIgnored === null ? {} : { preference_ignored: ctx.preferenceIgnored }),
  };
  // The answer does not wait for its entry (decision 025): the store keeps the entry ahead of this
  // process's later operations and reads, and reports a failure to write it itself.
  store.appendJournal(entry, config.journalLimit).catch(() => undefined);
  response.journal = entry;
  return response;
}
