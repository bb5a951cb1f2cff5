import type { components as AdminComponents } from '../generated/admin-api.js';
import type { AdminOperationId } from '../generated/operations.js';
import { getOperation, matchOperation } from '../contract/openapi-document.js';
import { videoSpec, adminSpec } from '../generated/spec.js';
import { keyFingerprint, settledWallet } from './accounts.js';
import { errorAnswer, jsonAnswer, answer } from './answers.js';
import { nowOf } from './core.js';
import type { SimResponse } from './exchange.js';
import { checkRequest } from './read-body.js';
import type { RequestContext } from './request-context.js';
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
  key: string | null;
  needKey(): SimResponse;
}

type AdminHandler = (call: AdminCall) => Promise<SimResponse>;

/** The control API by the admin spec's operationIds: one missing is a compile error. */
const adminOperations: { readonly [Id in AdminOperationId]: AdminHandler } = {
  async mockHealth({ ctx }) {
    const { config, store } = ctx.core;
    const { jobs } = await store.counts();
    const health: Schemas['Health'] = { status: 'ok', mock: 'aigw-video-kit', version: mockVersion, timing: config.timing, now: ctx.nowMs, jobs };
    return jsonAnswer(200, health, { 'x-aigw-api-version': apiVersion });
  },
  async mockReset({ ctx, key }) {
    const removed = await ctx.core.store.reset(key);
    return jsonAnswer(200, { scope: key === null ? 'all' : 'key', jobs_removed: removed } satisfies Schemas['ResetResult']);
  },
  async mockGetClock({ ctx }) {
    return jsonAnswer(200, clock(ctx, ctx.nowMs));
  },
  async mockAdvanceClock({ ctx, body }) {
    const { advance_ms } = body as Schemas['ClockAdvance'];
    ctx.core.offsetMs = await ctx.core.store.advanceClock(advance_ms);
    return jsonAnswer(200, clock(ctx, nowOf(ctx.core)));
  },
  async mockGetJournal({ ctx, key }) {
    const limit = ctx.query.has('limit') ? Number(ctx.query.get('limit')) : undefined;
    const entries = await ctx.core.store.journal({ key, ...(limit === undefined ? {} : { limit }) });
    return jsonAnswer(200, { entries } satisfies Schemas['Journal']);
  },
  async mockClearJournal({ ctx, key }) {
    await ctx.core.store.clearJournal(key);
    return answer(204, { kind: 'none' }, {});
  },
  async mockGetWallet({ ctx, key, needKey }) {
    if (key === null) return needKey();
    return jsonAnswer(200, walletView(await settledWallet(ctx.core, key, ctx.nowMs)));
  },
  async mockSetWallet({ ctx, key, needKey, body }) {
    if (key === null) return needKey();
    const { config, store } = ctx.core;
    await store.setBalance(key, (body as Schemas['WalletUpdate']).balance_cents, config.creditsCents);
    return jsonAnswer(200, walletView(await settledWallet(ctx.core, key, ctx.nowMs)));
  },
  async mockListFaults({ ctx, key, needKey }) {
    if (key === null) return needKey();
    return jsonAnswer(200, { faults: await ctx.core.store.faults(key) } satisfies Schemas['FaultList']);
  },
  async mockAddFault({ ctx, key, needKey, body }) {
    if (key === null) return needKey();
    const { config, store } = ctx.core;
    const request = body as Schemas['FaultRequest'];
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
    const fault: Fault = {
      id: `fault_${await store.nextSequence('fault')}`,
      operation: request.operation,
      status: request.socket !== undefined ? null : (request.status ?? null),
      socket: request.socket ?? null,
      retry_after: request.retry_after ?? null,
      remaining: request.count ?? 1,
    };
    const armed = await store.armFault(key, fault, config.maxFaultsPerKey);
    if (armed === null) {
      return errorAnswer(400, {
        message: `The key has ${config.maxFaultsPerKey} armed faults already, the most a key may hold; clear them with DELETE /__mock/faults.`,
        code: 'too_many_faults',
        param: 'operation',
      });
    }
    return jsonAnswer(201, armed);
  },
  async mockClearFaults({ ctx, key, needKey }) {
    if (key === null) return needKey();
    await ctx.core.store.clearFaults(key);
    return answer(204, { kind: 'none' }, {});
  },
};

/** Serves `/__mock/*`: the control API of openapi/mock-admin.yaml. */
export async function handleAdmin(ctx: RequestContext): Promise<SimResponse> {
  const { config } = ctx.core;
  const { request, pathname } = ctx;
  if (config.adminToken !== null && request.headers['x-aigw-admin-token'] !== config.adminToken) {
    return errorAnswer(401, {
      message: 'The mock control API needs the admin token in x-aigw-admin-token.',
      code: 'invalid_admin_token',
      param: 'x-aigw-admin-token',
    });
  }
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
  const checked = checkRequest(operationId, request, { query: Object.fromEntries(ctx.query) }, config.bodyLimitBytes);
  if (!checked.ok) return checked.response;

  // The key a call concerns is named the way the API names it.
  const authorization = request.headers['authorization'];
  let key: string | null = null;
  if (authorization !== undefined) {
    const token = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization)?.[1];
    if (token === undefined || !apiKeyPattern.test(token)) {
      return errorAnswer(400, { message: 'Authorization: must be `Bearer sk-aig-...` to name the key this call concerns.', code: 'invalid_value', param: 'Authorization' });
    }
    key = keyFingerprint(token);
  }
  const needKey = (): SimResponse =>
    errorAnswer(400, { message: `Authorization: is required to name the key whose ${pathname.split('/')[2] ?? 'state'} this is.`, code: 'missing_required_field', param: 'Authorization' });
  return adminOperations[operationId]({ ctx, body: checked.body, key, needKey });
}

function clock(ctx: RequestContext, nowMs: number): Schemas['Clock'] {
  return { now: nowMs, offset_ms: ctx.core.offsetMs, timing: ctx.core.config.timing };
}

function walletView(wallet: { key: string; balanceCents: number; spentCents: number; refundedCents: number }): Schemas['Wallet'] {
  return { key: wallet.key, balance_cents: wallet.balanceCents, spent_cents: wallet.spentCents, refunded_cents: wallet.refundedCents };
}
