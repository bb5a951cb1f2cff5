import type { components as AdminComponents } from '../generated/admin-api.js';
import { getOperation, matchOperation } from '../contract/openapi-document.js';
import { videoSpec, adminSpec } from '../generated/spec.js';
import { accountFor, keyFingerprint, settleRefunds } from './accounts.js';
import { errorAnswer, jsonAnswer, answer } from './answers.js';
import type { SimRequest, SimResponse } from './exchange.js';
import { checkRequest } from './read-body.js';
import { apiKeyPattern } from './spec-values.js';
import { resetAll, type Fault, type SimState } from './state.js';

type Schemas = AdminComponents['schemas'];

const mockVersion = String((adminSpec['info'] as Record<string, unknown>)['version']);
const apiVersion = String((videoSpec['info'] as Record<string, unknown>)['version']);

/** The operations a fault may target when it names `*`: statuses they all document. */
const sharedStatuses = (): number[] => {
  const [first, ...rest] = ['createVideo', 'getJob'].map((id) => getOperation(id).responses.map((r) => Number(r.status)));
  return (first ?? []).filter((s) => rest.every((list) => list.includes(s)));
};

/** Serves `/__mock/*`: the control API of openapi/mock-admin.yaml. */
export function handleAdmin(state: SimState, request: SimRequest, pathname: string, query: URLSearchParams, nowMs: number): SimResponse {
  const { config } = state;
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
    return errorAnswer(404, {
      message: `${request.method} ${pathname.slice(0, 300)} is not part of the mock control API.${allowed.length > 0 ? ` This path supports ${allowed.join(', ')}.` : ''}`,
      code: 'unknown_endpoint',
    }, allowed.length > 0 ? { allow: allowed.join(', ') } : {});
  }
  const operationId = match.operation.operationId;
  const checked = checkRequest(operationId, request, { query: Object.fromEntries(query) }, config.bodyLimitBytes);
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

  switch (operationId) {
    case 'mockHealth': {
      const health: Schemas['Health'] = { status: 'ok', mock: 'aigw-video-kit', version: mockVersion, timing: config.timing, now: nowMs, jobs: state.jobs.size };
      return jsonAnswer(200, health, { 'x-aigw-api-version': apiVersion });
    }
    case 'mockReset':
      return jsonAnswer(200, reset(state, key));
    case 'mockGetClock':
      return jsonAnswer(200, clock(state, nowMs));
    case 'mockAdvanceClock': {
      const { advance_ms } = checked.body as Schemas['ClockAdvance'];
      state.clockOffsetMs += advance_ms;
      state.lastNowMs = nowMs + advance_ms;
      state.dirty.clock = true;
      return jsonAnswer(200, clock(state, nowMs + advance_ms));
    }
    case 'mockGetJournal': {
      const limit = query.has('limit') ? Number(query.get('limit')) : Number.POSITIVE_INFINITY;
      const entries = state.journal.filter((e) => key === null || e.key === key);
      const journal: Schemas['Journal'] = { entries: Number.isFinite(limit) ? entries.slice(-limit) : entries };
      return jsonAnswer(200, journal);
    }
    case 'mockClearJournal':
      state.journal = key === null ? [] : state.journal.filter((e) => e.key !== key);
      return answer(204, { kind: 'none' }, {});
    case 'mockGetWallet':
      if (key === null) return needKey();
      return jsonAnswer(200, wallet(state, key, nowMs));
    case 'mockSetWallet': {
      if (key === null) return needKey();
      const account = accountFor(state, key);
      account.balanceCents = (checked.body as Schemas['WalletUpdate']).balance_cents;
      state.dirty.accounts.add(key);
      return jsonAnswer(200, wallet(state, key, nowMs));
    }
    case 'mockListFaults':
      if (key === null) return needKey();
      return jsonAnswer(200, { faults: accountFor(state, key).faults.map((f) => ({ ...f })) } satisfies Schemas['FaultList']);
    case 'mockAddFault': {
      if (key === null) return needKey();
      const body = checked.body as Schemas['FaultRequest'];
      if (body.status !== undefined) {
        const documented =
          body.operation === '*' ? sharedStatuses() : getOperation(body.operation).responses.map((r) => Number(r.status));
        const errors = documented.filter((s) => s >= 400);
        if (!errors.includes(body.status)) {
          return errorAnswer(400, {
            message: `status: ${body.status} is not an error status documented for ${body.operation}; documented: ${errors.join(', ')}.`,
            code: 'invalid_value',
            param: 'status',
          });
        }
      }
      const fault: Fault = {
        id: `fault_${++state.faultSeq}`,
        operation: body.operation,
        status: body.socket !== undefined ? null : (body.status ?? null),
        socket: body.socket ?? null,
        retry_after: body.retry_after ?? null,
        remaining: body.count ?? 1,
      };
      accountFor(state, key).faults.push(fault);
      return jsonAnswer(201, { ...fault });
    }
    case 'mockClearFaults':
      if (key === null) return needKey();
      accountFor(state, key).faults = [];
      return answer(204, { kind: 'none' }, {});
    default:
      return errorAnswer(404, { message: `${operationId} is not served by this mock.`, code: 'unknown_endpoint' });
  }
}

function clock(state: SimState, nowMs: number): Schemas['Clock'] {
  return { now: nowMs, offset_ms: state.clockOffsetMs, timing: state.config.timing };
}

function wallet(state: SimState, key: string, nowMs: number): Schemas['Wallet'] {
  const account = accountFor(state, key);
  settleRefunds(state, account, nowMs);
  return { key, balance_cents: account.balanceCents, spent_cents: account.spentCents, refunded_cents: account.refundedCents };
}

function reset(state: SimState, key: string | null): Schemas['ResetResult'] {
  if (key === null) {
    return { scope: 'all', jobs_removed: resetAll(state) };
  }
  let removed = 0;
  for (const [id, job] of state.jobs) {
    if (job.key !== key) continue;
    state.jobs.delete(id);
    state.dirty.jobs.add(id);
    removed++;
  }
  state.accounts.delete(key);
  state.dirty.accounts.add(key);
  state.journal = state.journal.filter((e) => e.key !== key);
  return { scope: 'key', jobs_removed: removed };
}
