import type { components as AdminComponents } from '../generated/admin-api.js';
import type { AdminOperationId } from '../generated/operations.js';
import { knownStatuses } from '../contract/job-status.js';
import { getOperation, matchOperation } from '../contract/openapi-document.js';
import { videoSpec, adminSpec } from '../generated/spec.js';
import { settledWallet } from './accounts.js';
import { errorAnswer, jsonAnswer, answer } from './answers.js';
import { fingerprintOf, nowOf, notifyFeeds } from './core.js';
import { MAX_FEEDS, openEventFeed } from './event-feed.js';
import type { SimResponse } from './exchange.js';
import { jobPage } from './job-page.js';
import { jobSummary } from './job-summary.js';
import { selectJournal } from './journal-selection.js';
import { keySummaries } from './key-summary.js';
import { checkRequest } from './read-body.js';
import { originOf, type RequestContext } from './request-context.js';
import { apiKeyPattern } from './spec-values.js';
import type { Fault } from './store.js';

type Schemas = AdminComponents['schemas'];

const mockVersion = String((adminSpec['info'] as Record<string, unknown>)['version']);
const apiVersion = String((videoSpec['info'] as Record<string, unknown>)['version']);

/** The operations a fault may target when it names `*`: statuses they all document. */
const sharedStatuses = (): number[] => {
  const [first, ...rest] = ['createVideo', 'getJob'].map((id) => getOperation(id).responses.map((r) => Number(r.status)));
  return (first ?? []).filter((s) => rest.every((list) => list.includes(s)));
};

/** One control-API call, checked against openapi/mock-admin.yaml; `key` is the fingerprint it names, if any. */
interface AdminCall {
  ctx: RequestContext;
  body: unknown;
  /** The key named by `Authorization`, or by fingerprint in the path (`/__mock/keys/{key}`, then a key the store holds). */
  key: string | null;
  needKey(): SimResponse;
  pathParams: Record<string, string>;
}

type AdminHandler = (call: AdminCall) => Promise<SimResponse>;

/** The control API by the admin spec's operationIds: one missing is a compile error. */
const adminOperations: { readonly [Id in AdminOperationId]: AdminHandler } = {
  async mockHealth({ ctx }) {
    const { config, store } = ctx.core;
    const { jobs } = await store.counts();
    const dialect = { name: config.dialect.name, choices: { ...config.dialect.choices } };
    const health: Schemas['Health'] = {
      status: 'ok', mock: 'aigw-video-kit', version: mockVersion, timing: config.timing, now: ctx.nowMs, jobs, dialect,
      persistence: { ...ctx.core.persistence },
    };
    return jsonAnswer(200, health, { 'x-aigw-api-version': apiVersion });
  },
  mockReset: ({ ctx, key }) => resetKeys(ctx, key),
  async mockGetClock({ ctx }) {
    return jsonAnswer(200, clock(ctx, ctx.nowMs));
  },
  async mockAdvanceClock({ ctx, body }) {
    const { advance_ms } = body as Schemas['ClockAdvance'];
    ctx.core.offsetMs = await ctx.core.store.advanceClock(advance_ms);
    return jsonAnswer(200, clock(ctx, nowOf(ctx.core)));
  },
  async mockGetJournal({ ctx, key }) {
    const { query } = ctx;
    const byFingerprint = query.get('key');
    if (byFingerprint !== null && key !== null && byFingerprint !== key) {
      return errorAnswer(400, { message: 'key: names another key than Authorization does; name the key one way.', code: 'invalid_value', param: 'key' });
    }
    const list = (name: string): Set<string> | null => (query.has(name) ? new Set((query.get(name) as string).split(',')) : null);
    const entries = await selectJournal(ctx.core.store, {
      key: byFingerprint ?? key,
      operations: list('operation'),
      statusClasses: list('status'),
      job: query.get('job'),
      before: query.has('before') ? Number(query.get('before')) : null,
      after: query.has('after') ? Number(query.get('after')) : 0,
      limit: query.has('limit') ? Number(query.get('limit')) : null,
    });
    return jsonAnswer(200, { entries } satisfies Schemas['Journal']);
  },
  async mockClearJournal({ ctx, key }) {
    await ctx.core.store.clearJournal(key);
    notifyFeeds(ctx.core, { resync: 'journal-cleared' });
    return answer(204, { kind: 'none' }, {});
  },
  async mockGetWallet({ ctx, key, needKey }) {
    if (key === null) return needKey();
    return jsonAnswer(200, walletView(await settledWallet(ctx.core, key, ctx.nowMs)));
  },
  async mockSetWallet({ ctx, key, needKey, body }) {
    if (key === null) return needKey();
    return setWallet(ctx, key, body as Schemas['WalletUpdate']);
  },
  async mockListFaults({ ctx, key, needKey }) {
    if (key === null) return needKey();
    return jsonAnswer(200, { faults: await ctx.core.store.faults(key) } satisfies Schemas['FaultList']);
  },
  async mockAddFault({ ctx, key, needKey, body }) {
    if (key === null) return needKey();
    return armFault(ctx, key, body as Schemas['FaultRequest']);
  },
  async mockClearFaults({ ctx, key, needKey }) {
    if (key === null) return needKey();
    return clearFaults(ctx, key);
  },

  // What the dashboard reads, its event stream, and keys named by fingerprint.
  async mockListJobs({ ctx }) {
    const statuses = ctx.query.get('status');
    const unknown = statuses?.split(',').find((s) => !knownStatuses.includes(s));
    if (unknown !== undefined) {
      return errorAnswer(400, { message: `status: ${unknown} is not a job status; statuses: ${knownStatuses.join(', ')}.`, code: 'invalid_value', param: 'status' });
    }
    const page = await jobPage(
      ctx.core,
      {
        key: ctx.query.get('key'),
        statuses: statuses === null ? null : new Set(statuses.split(',')),
        offset: Number(ctx.query.get('offset') ?? 0),
        limit: Number(ctx.query.get('limit') ?? 50),
      },
      ctx.nowMs,
      originOf(ctx),
    );
    return jsonAnswer(200, page);
  },
  async mockGetJob({ ctx, pathParams }) {
    const id = pathParams['job_id'] ?? '';
    const job = await ctx.core.store.getJob(id);
    if (job === null) return notFound(`No job with the id ${id.slice(0, 256)} is held by the mock.`, 'job_not_found', 'job_id');
    return jsonAnswer(200, jobSummary(job, ctx.nowMs, originOf(ctx)));
  },
  async mockListKeys({ ctx }) {
    const offset = Number(ctx.query.get('offset') ?? 0);
    const limit = Number(ctx.query.get('limit') ?? 50);
    const { total, keys } = await keySummaries(ctx.core, { offset, limit }, ctx.nowMs);
    return jsonAnswer(200, { now: ctx.nowMs, total, offset, limit, keys } satisfies Schemas['KeyPage']);
  },
  async mockGetKey({ ctx, key }) {
    const [summary] = (await keySummaries(ctx.core, { key: key as string }, ctx.nowMs)).keys;
    return jsonAnswer(200, summary);
  },
  mockResetKey: ({ ctx, key }) => resetKeys(ctx, key as string),
  mockSetKeyWallet: ({ ctx, key, body }) => setWallet(ctx, key as string, body as Schemas['WalletUpdate']),
  mockAddKeyFault: ({ ctx, key, body }) => armFault(ctx, key as string, body as Schemas['FaultRequest']),
  mockClearKeyFaults: ({ ctx, key }) => clearFaults(ctx, key as string),
  async mockEvents({ ctx }) {
    const lastEventId = ctx.request.headers['last-event-id'];
    const feed = await openEventFeed(ctx.core, { lastEventId: lastEventId === undefined ? null : Number(lastEventId), origin: originOf(ctx) });
    if (feed === null) {
      return errorAnswer(
        429,
        { message: `${MAX_FEEDS} event streams are open already, the most the mock serves; close one or retry shortly.`, code: 'too_many_streams', param: null },
        { 'retry-after': '5' },
      );
    }
    return answer(200, { kind: 'events', feed }, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', 'x-accel-buffering': 'no' });
  },
};

/** The control routes that name a key by its fingerprint in the path. */
const byFingerprint = new Set<AdminOperationId>(['mockGetKey', 'mockResetKey', 'mockSetKeyWallet', 'mockAddKeyFault', 'mockClearKeyFaults']);

async function resetKeys(ctx: RequestContext, key: string | null): Promise<SimResponse> {
  const removed = await ctx.core.store.reset(key);
  notifyFeeds(ctx.core, key === null ? { resync: 'reset' } : { keys: [key], rescan: true });
  return jsonAnswer(200, { scope: key === null ? 'all' : 'key', jobs_removed: removed } satisfies Schemas['ResetResult']);
}

async function setWallet(ctx: RequestContext, key: string, update: Schemas['WalletUpdate']): Promise<SimResponse> {
  const { config, store } = ctx.core;
  await store.setBalance(key, update.balance_cents, config.creditsCents);
  notifyFeeds(ctx.core, { keys: [key] });
  return jsonAnswer(200, walletView(await settledWallet(ctx.core, key, ctx.nowMs)));
}

async function clearFaults(ctx: RequestContext, key: string): Promise<SimResponse> {
  await ctx.core.store.clearFaults(key);
  notifyFeeds(ctx.core, { keys: [key] });
  return answer(204, { kind: 'none' }, {});
}

async function armFault(ctx: RequestContext, key: string, request: Schemas['FaultRequest']): Promise<SimResponse> {
  const { config, store } = ctx.core;
  if (request.status !== undefined) {
    const documented = request.operation === '*' ? sharedStatuses() : getOperation(request.operation).responses.map((r) => Number(r.status));
    const errors = documented.filter((s) => s >= 400);
    if (!errors.includes(request.status)) {
      return errorAnswer(400, {
        message: `status: ${request.status} is not an error status documented for ${request.operation}; documented: ${errors.join(', ')}.`,
        code: 'invalid_value',
        param: 'status',
      });
    }
  }
  if (request.retry_after === null && request.status !== 503) {
    return errorAnswer(400, {
      message: `retry_after: null (no Retry-After) is for a 503 only; ${request.socket !== undefined ? 'a socket fault sends no answer' : `a ${String(request.status)} ${request.status === 429 ? 'always carries Retry-After' : 'sends none anyway'}`}.`,
      code: 'invalid_value',
      param: 'retry_after',
    });
  }
  const status = request.socket !== undefined ? null : (request.status ?? null);
  const fault: Fault = {
    id: `fault_${await store.nextSequence('fault')}`,
    operation: request.operation,
    status,
    socket: request.socket ?? null,
    // What the fault will send: the mock's default unless given; null for none.
    retry_after: request.retry_after !== undefined ? request.retry_after : status === 429 || status === 503 ? config.retryAfterSeconds : null,
    remaining: request.count ?? 1,
  };
  // Bounded, so that memory stays bounded (30,000 faults once grew it by 44 MB).
  const armed = await store.armFault(key, fault, config.maxFaultsPerKey);
  if (armed === null) {
    return errorAnswer(400, {
      message: `At most ${config.maxFaultsPerKey} faults may be armed per key, and this key has that many; give one a larger count, or disarm them with DELETE /__mock/faults (or /__mock/keys/${key}/faults).`,
      code: 'too_many_faults',
      param: null,
    });
  }
  notifyFeeds(ctx.core, { keys: [key] });
  return jsonAnswer(201, armed);
}

/** Serves `/__mock/*`: the control API of openapi/mock-admin.yaml. */
export async function handleAdmin(ctx: RequestContext): Promise<SimResponse> {
  const { config } = ctx.core;
  const { request, pathname } = ctx;
  const match = matchOperation(request.method, pathname);
  if (match.operation === null || match.operation.document !== 'admin') {
    const allowed = match.operation === null ? match.allowed.map((m) => m.toUpperCase()) : [];
    return errorAnswer(
      404,
      {
        message: `${request.method} ${pathname.slice(0, 300)} is not part of the mock control API.${allowed.length > 0 ? ` This path supports ${allowed.join(', ')}.` : ''}`,
        code: 'unknown_endpoint',
      },
      allowed.length > 0 ? { allow: allowed.join(', ') } : {},
    );
  }
  const operationId = match.operation.operationId as AdminOperationId;
  const { pathParams } = match;
  const checked = checkRequest(operationId, request, { query: Object.fromEntries(ctx.query), pathParams, headers: request.headers }, config.bodyLimitBytes);
  if (!checked.ok) return checked.response;
  const needKey = (): SimResponse =>
    errorAnswer(400, { message: `Authorization: is required to name the key whose ${pathname.split('/')[2] ?? 'state'} this is.`, code: 'missing_required_field', param: 'Authorization' });

  if (byFingerprint.has(operationId)) {
    // The path names the key by the fingerprint the mock showed; only a key it holds can be steered.
    const fingerprint = pathParams['key'] as string;
    if ((await ctx.core.store.keys({ key: fingerprint })).total === 0) {
      return notFound(`No key with the fingerprint ${fingerprint} has been seen by the mock.`, 'unknown_key', 'key');
    }
    return adminOperations[operationId]({ ctx, body: checked.body, key: fingerprint, needKey, pathParams });
  }

  // The key a call concerns is named the way the API names it.
  const authorization = request.headers['authorization'];
  let key: string | null = null;
  if (authorization !== undefined) {
    const token = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization)?.[1];
    if (token === undefined || !apiKeyPattern.test(token)) {
      return errorAnswer(400, { message: 'Authorization: must be `Bearer sk-aig-...` to name the key this call concerns.', code: 'invalid_value', param: 'Authorization' });
    }
    // A key the API refuses (--api-keys) has no account to steer either.
    if (config.apiKeys !== null && !config.apiKeys.includes(token)) {
      return errorAnswer(401, { message: 'Authorization: this key is not one of the keys the mock accepts (--api-keys).', param: 'Authorization' });
    }
    key = await fingerprintOf(ctx.core, token);
  }
  return adminOperations[operationId]({ ctx, body: checked.body, key, needKey, pathParams });
}

const notFound = (message: string, code: string, param: string): SimResponse => errorAnswer(404, { message, code, param });

function clock(ctx: RequestContext, nowMs: number): Schemas['Clock'] {
  return { now: nowMs, offset_ms: ctx.core.offsetMs, timing: ctx.core.config.timing };
}

function walletView(wallet: { key: string; balanceCents: number; spentCents: number; refundedCents: number }): Schemas['Wallet'] {
  return { key: wallet.key, balance_cents: wallet.balanceCents, spent_cents: wallet.spentCents, refunded_cents: wallet.refundedCents };
}
