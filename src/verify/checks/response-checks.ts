import fc from 'fast-check';
import type { Violation } from '../../contract/index.js';
import { errorCatalogIn } from '../../contract/error-catalog.js';
import { answerViolations, judgingDialect } from '../judge-dialect.js';
import type { Target } from '../target.js';
import { validRequest } from '../arbitraries.js';
import { expectThat, memoized, responseOf, runProperty, type Check, type CheckContext } from '../check.js';
import { send, type Exchange } from '../exchange.js';
import { sendCreate } from '../jobs.js';
import { apiCalls, errorExamples, freeCalls, performCall, type ApiCall } from './api-call.js';

const describeViolations = (violations: readonly Violation[]): string =>
  violations.map((v) => `${v.param}: ${v.message}`).join('; ');

/** The contract's violations of one exchange, in the dialect it is judged in, those of one kind (`in`) only. */
function violationsOf(target: Target, exchange: Exchange, operationId: string, kinds: readonly Violation['in'][]): Violation[] {
  responseOf(exchange);
  return answerViolations(target, exchange, operationId).filter((v) => kinds.includes(v.in));
}

/** A check over the stateless exploration: every call's exchange must satisfy `verdict`. */
function explorationCheck(
  name: string,
  sentence: string,
  verdict: (exchange: Exchange, call: ApiCall, target: Target) => void,
  noteOffMock?: string,
): Check {
  return {
    name,
    sentence,
    group: 'schemathesis',
    needsState: false,
    needsMock: false,
    createsPerRun: 0,
    run: async (ctx) => {
      const outcome = await runProperty(
        ctx,
        apiCalls(ctx.target),
        async (call) => {
          // The exploration checks judge the same calls: each call is sent once per suite run.
          const exchange = await memoized(ctx, `call:${JSON.stringify(call)}`, () => performCall(ctx, call, ctx.target.keyFor('exploration')));
          verdict(exchange, call, ctx.target);
        },
        { examples: errorExamples(ctx.target) },
      );
      return outcome.status === 'passed' && noteOffMock !== undefined && !ctx.target.isMock ? { ...outcome, note: noteOffMock } : outcome;
    },
  };
}

export const notAServerError = explorationCheck(
  'not_a_server_error',
  'never answers a server error unless one was asked for',
  (exchange, call) => {
    const status = responseOf(exchange).status;
    expectThat(call.askedForServerError || status < 500, `${call.kind}: answered ${status}, a server error nobody asked for`, exchange);
  },
);

export const statusCodeConformance = explorationCheck(
  'status_code_conformance',
  'answers only statuses the spec documents, and the one a request asked for',
  (exchange, call, target) => {
    const violations = violationsOf(target, exchange, call.operationId, ['status']);
    expectThat(violations.length === 0, `${call.kind}: ${describeViolations(violations)}`, exchange);
    const status = responseOf(exchange).status;
    expectThat(call.expectStatus === null || status === call.expectStatus, `${call.kind}: answered ${status}, expected ${call.expectStatus ?? ''}`, exchange);
  },
);

/** A check that a response part (content type, headers, body) breaks no rule of the spec. */
const violationCheck = (name: string, sentence: string, part: Violation['in']) =>
  explorationCheck(name, sentence, (exchange, call, target) => {
    const violations = violationsOf(target, exchange, call.operationId, [part]);
    expectThat(violations.length === 0, `${call.kind}: ${describeViolations(violations)}`, exchange);
  });

export const contentTypeConformance = violationCheck(
  'content_type_conformance',
  'answers with the content type the spec documents for the status',
  'content-type',
);

export const responseHeadersConformance = violationCheck(
  'response_headers_conformance',
  'sends every header the spec requires, with valid values',
  'header',
);

export const responseSchemaConformance = violationCheck(
  'response_schema_conformance',
  'answers bodies that match the response schema of the spec',
  'body',
);

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export const errorTypeMatchesStatus = explorationCheck(
  'error_type_matches_status',
  'gives every error the type its status stands for (401 authentication_error, 429 rate_limit_error..., or the docs pages\' names)',
  (exchange, call, target) => {
    const response = responseOf(exchange);
    const entry = errorCatalogIn(judgingDialect(target, exchange)).get(response.status);
    if (response.status < 400 || entry === undefined) return;
    const error = isObject(response.body) && isObject(response.body['error']) ? response.body['error'] : null;
    expectThat(error !== null, `${call.kind}: a ${response.status} without the error envelope {error: {message, type}}`, exchange);
    expectThat(error['type'] === entry.type, `${call.kind}: a ${response.status} must have error.type '${entry.type}', not ${JSON.stringify(error['type'])}`, exchange);
  },
  'only the statuses any caller can provoke (400, 401, 404) were judged: 402, 429, 500 and 503 need the mock',
);

export const negativeDataRejection: Check = {
  name: 'negative_data_rejection',
  sentence: 'refuses requests the spec forbids with a 4xx, and creates no job for them',
  group: 'schemathesis',
  needsState: false,
  needsMock: false,
  createsPerRun: 0,
  run: (ctx) =>
    runProperty(
      ctx,
      freeCalls(ctx.target).filter((c) => c.operationId === 'createVideo' && c.expectStatus !== null && c.expectStatus !== 401 && c.expectStatus !== 404),
      async (call) => {
        const exchange = await performCall(ctx, call, ctx.target.keyFor('negative_data_rejection'));
        const status = responseOf(exchange).status;
        expectThat(status >= 400 && status < 500 && ![401, 402, 403, 429].includes(status), `${call.kind}: answered ${status}; invalid data must be refused with a 4xx`, exchange);
        const body = exchange.response?.body;
        expectThat(!(isObject(body) && typeof body['id'] === 'string'), `${call.kind}: the refusal carries a job id, as if a job had been created anyway`, exchange);
      },
    ),
};

export const positiveDataAcceptance: Check = {
  name: 'positive_data_acceptance',
  sentence: 'accepts every request the spec allows with a queued job',
  group: 'schemathesis',
  needsState: false,
  needsMock: false,
  createsPerRun: 1,
  run: (ctx) =>
    runProperty(ctx, validRequest(ctx.target), async (body) => {
      const exchange = await sendCreate(ctx, ctx.target.keyFor('positive_data_acceptance'), body);
      const status = responseOf(exchange).status;
      expectThat(status === 200 || status === 202, `a valid request answered ${status}, not 202 (or 200)`, exchange);
      const job = exchange.response?.body;
      expectThat(isObject(job) && job['status'] === 'queued', `a created job must start queued, not ${JSON.stringify(isObject(job) ? job['status'] : job)}`, exchange);
    }),
};

export const ignoredAuth: Check = {
  name: 'ignored_auth',
  sentence: 'refuses missing or invalid credentials with 401 on every operation that needs a key',
  group: 'schemathesis',
  needsState: false,
  needsMock: false,
  createsPerRun: 0,
  run: (ctx) =>
    runProperty(
      ctx,
      freeCalls(ctx.target).filter((c) => c.expectStatus === 401),
      async (call) => {
        const exchange = await performCall(ctx, call, ctx.target.keyFor('ignored_auth'));
        const status = responseOf(exchange).status;
        expectThat(status === 401, `${call.kind}: answered ${status}; the key must be refused with 401`, exchange);
      },
    ),
};

/** Methods the spec does not define on its paths (cancel is left out: the sources disagree on it). */
const unsupported = fc.oneof(
  fc.constantFrom('PUT', 'PATCH', 'DELETE', 'GET').map((method) => ({ method, path: '/v1/videos/generations' })),
  fc.constantFrom('PUT', 'PATCH', 'POST').map((method) => ({ method, path: '/v1/jobs/job_doesnotexist' })),
  fc.constantFrom('POST', 'PUT', 'DELETE').map((method) => ({ method, path: '/v1/files/jobs/job_doesnotexist/video.mp4' })),
  fc.stringMatching(/^[a-z]{1,12}$/).map((segment) => ({ method: 'GET', path: `/v1/no-such-endpoint-${segment}` })),
);

export const unsupportedMethod: Check = {
  name: 'unsupported_method',
  sentence: 'answers 404 or 405 for an unknown endpoint or a method the path does not support',
  group: 'schemathesis',
  needsState: false,
  needsMock: false,
  createsPerRun: 0,
  run: (ctx: CheckContext) =>
    runProperty(ctx, unsupported, async ({ method, path }) => {
      const exchange = await send(ctx.target, { method, path, key: ctx.target.keyFor('unsupported_method') });
      const status = responseOf(exchange).status;
      expectThat(status === 404 || status === 405, `${method} ${path}: answered ${status}, not 404 or 405`, exchange);
    }),
};
