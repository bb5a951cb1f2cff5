import { FAST_POLL_MS, inferDialect } from '../calibrate/infer-dialect.js';
import { unknownEndpoint } from '../contract/dialect-evidence.js';
import { errorCatalog, errorCatalogIn } from '../contract/error-catalog.js';
import { getOperation } from '../contract/openapi-document.js';
import { validateRequest, validateResponse, type Violation } from '../contract/index.js';
import { describeExchange, harExchanges, type HarExchange } from '../har/har-exchanges.js';
import type { Har } from '../har/har-types.js';
import { validateHar } from '../har/validate-har.js';
import { checkCatalogue } from './catalogue.js';
import { ContractViolation, expectThat, PreconditionFailed, type CheckOutcome } from './check.js';
import { parseRetryAfter, type JobCheck } from './checks/job-checks.js';
import type { JobTrace } from './checks/job-trace.js';
import { createDriftRecorder } from './drift.js';
import type { Exchange } from './exchange.js';
import { isTerminalStatus } from './jobs.js';
import type { CheckResult, SuiteReport } from './run-suite.js';
import { answerViolations, judgingDialect } from './judge-dialect.js';
import type { Target } from './target.js';

/** A recorded exchange as the suite's checks read exchanges, with what the recording adds. */
interface Recorded {
  har: HarExchange;
  exchange: Exchange;
  /** The operation is one of the video API's (not an unknown path, nor a cancel route the gateway does not serve). */
  inSpec: boolean;
  /** A cancel route the recorded gateway answered as no endpoint (404 `unknown_endpoint`, 405): its dialect has no such route. */
  unserved: boolean;
}

const CANCEL_ROUTES = new Set(['deleteJob', 'cancelJob']);
/** A cancel route answered as an unknown endpoint: in the gateway's dialect it is one, judged as any unknown endpoint is. */
const unservedRoute = (e: HarExchange): boolean =>
  e.operationId !== null && CANCEL_ROUTES.has(e.operationId) && e.forcedStatus === null && unknownEndpoint({ status: e.status, headers: e.responseHeaders, body: e.responseBody });

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const TARGET_NAME = 'recording';

function asExchange(e: HarExchange): Exchange {
  return {
    operationId: e.operationId,
    request: { method: e.method, url: e.entry.request.url, headers: e.requestHeaders, ...(e.requestBody !== undefined ? { body: e.requestBody } : {}) },
    response: { status: e.status, headers: e.responseHeaders, body: e.responseBody },
    error: null,
  };
}

// A recording is of a gateway whose dialect it is there to show: each answer is judged in the one it shows.
const RECORDED: Pick<Target, 'dialect'> = { dialect: null };
const violations = (r: Recorded, kinds: readonly Violation['in'][]): Violation[] =>
  answerViolations(RECORDED, r.exchange, r.har.operationId as string).filter((v) => kinds.includes(v.in));
const describe = (vs: readonly Violation[]): string => vs.map((v) => `${v.param}: ${v.message}`).join('; ');
const at = (r: Recorded): string => `entry ${r.har.index} (${describeExchange(r.har)})`;

/** Judges each item; the first violation fails the check, naming its entry. Nothing to judge is a skip, with the reason. */
function judgeEach<T>(items: readonly T[], nothing: string, verdict: (item: T) => void, exchangeOf: (item: T) => Exchange | null, note?: string): CheckOutcome {
  if (items.length === 0) return { status: 'skipped', reason: `nothing in the recording to judge: ${nothing}` };
  for (const item of items) {
    try {
      verdict(item);
    } catch (error) {
      if (error instanceof PreconditionFailed) throw error;
      const exchange = error instanceof ContractViolation ? (error.exchange ?? exchangeOf(item)) : exchangeOf(item);
      const message = error instanceof Error ? error.message : String(error);
      const entry = exchange === null ? '' : ` [${exchange.request.method} ${exchange.request.url}]`;
      return {
        status: 'failed',
        failure: { message, request: exchange?.request ?? null, response: exchange?.response ?? null, seed: 0, path: null, counterexample: `recorded${entry}` },
      };
    }
  }
  return { status: 'passed', runs: items.length, ...(note !== undefined ? { note } : {}) };
}

/** The jobs the recording followed: each create, its polls in order, the polls after it ended, its download. */
function tracesOf(recorded: readonly Recorded[]): JobTrace[] {
  const traces: JobTrace[] = [];
  for (const create of recorded) {
    const { har } = create;
    if (har.operationId !== 'createVideo' || har.status < 200 || har.status >= 300 || har.jobId === null || har.forcedStatus !== null) continue;
    const id = har.jobId;
    // Polls that answered the job itself: not a forced status, not the docs' bodiless 304.
    const polls = recorded.filter((r) => r.har.operationId === 'getJob' && r.har.jobId === id && r.har.startedMs >= har.startedMs && r.har.forcedStatus === null && r.har.status !== 304);
    const end = polls.findIndex((p) => p.har.status === 200 && isObject(p.har.responseBody) && isTerminalStatus(p.har.responseBody['status']));
    const prefer = har.requestHeaders['prefer'] ?? '';
    const outcome = /outcome\s*=\s*failed/i.exec(prefer) !== null ? 'failed' : /outcome\s*=\s*completed/i.exec(prefer) !== null ? 'completed' : null;
    const failure = /failure\s*=\s*([a-z_]+)/i.exec(prefer)?.[1] ?? null;
    const download = recorded.find((r) => r.har.operationId === 'downloadJobMedia' && r.har.jobId === id && (r.har.status === 200 || r.har.status === 206));
    const followed = end < 0 ? polls : polls.slice(0, end + 1);
    const last = polls.at(-1)?.har ?? har;
    traces.push({
      plan: { request: (isObject(har.requestBody) ? har.requestBody : {}) as JobTrace['plan']['request'], outcome, failure },
      create: create.exchange,
      id,
      polls: followed.map((p) => p.exchange),
      ended: end >= 0,
      after: end < 0 ? [] : polls.slice(end + 1).map((p) => p.exchange),
      download: download?.exchange ?? null,
      nowBefore: har.startedMs,
      nowAfter: last.endedMs,
      offline: true,
    });
  }
  return traces;
}

/** The offline form of each check: what the recording shows, judged as the live check would. */
function offlineJudges(recorded: readonly Recorded[], traces: readonly JobTrace[]): Record<string, () => CheckOutcome> {
  const spec = recorded.filter((r) => r.inSpec);
  const ex = (r: Recorded): Exchange => r.exchange;
  const violationJudge = (kinds: Violation['in'][]) => () =>
    judgeEach(spec, 'no exchange of the spec\'s operations', (r) => {
      const found = violations(r, kinds);
      expectThat(found.length === 0, `${at(r)}: ${describe(found)}`, r.exchange);
    }, ex);
  const creates = spec.filter((r) => r.har.operationId === 'createVideo' && r.har.forcedStatus === null && r.har.requestHeaders['authorization'] !== undefined && ![401, 429].includes(r.har.status) && r.har.status < 500);
  const requestViolations = (r: Recorded): Violation[] =>
    validateRequest('createVideo', { body: r.har.requestBody, contentType: r.har.requestHeaders['content-type'] ?? null }).filter((v) => v.in === 'body' || v.in === 'content-type');
  const walletCheck = (r: Recorded): void => {
    if (r.har.status === 402) {
      throw new PreconditionFailed(`the wallet was empty when this was recorded; nothing was judged (${at(r)} answered 402). Record again with a key whose wallet can pay.`, 'wallet-empty');
    }
  };
  const ended = traces.filter((t) => t.ended);
  const unended = traces.length - ended.length;
  const endedNote = unended > 0 ? `${unended} job(s) not followed to their end in the recording were left out` : undefined;
  const traceJudge = (name: string, which: readonly JobTrace[], note?: string) => () => {
    const check = checkCatalogue.find((c) => c.name === name) as JobCheck;
    return judgeEach(which, 'no job was created and polled', (t) => check.judge(t), (t) => t.create, note);
  };
  const rateHeaders = ['x-ratelimit-limit-requests', 'x-ratelimit-remaining-requests', 'x-ratelimit-reset-requests'] as const;
  return {
    not_a_server_error: () =>
      judgeEach(spec, 'no exchange of the spec\'s operations', (r) => {
        expectThat(r.har.status < 500 || (r.har.forcedStatus ?? 0) >= 500, `${at(r)}: answered ${r.har.status}, a server error nobody asked for`, r.exchange);
      }, ex),
    status_code_conformance: () =>
      judgeEach(spec, 'no exchange of the spec\'s operations', (r) => {
        const found = violations(r, ['status']);
        expectThat(found.length === 0, `${at(r)}: ${describe(found)}`, r.exchange);
        expectThat(r.har.forcedStatus === null || r.har.status === r.har.forcedStatus, `${at(r)}: asked for ${r.har.forcedStatus ?? ''}, answered ${r.har.status}`, r.exchange);
      }, ex),
    content_type_conformance: violationJudge(['content-type']),
    response_headers_conformance: violationJudge(['header']),
    response_schema_conformance: violationJudge(['body']),
    negative_data_rejection: () =>
      judgeEach(creates.filter((r) => requestViolations(r).length > 0), 'no create the spec forbids', (r) => {
        walletCheck(r);
        expectThat(r.har.status >= 400 && r.har.status < 500 && r.har.status !== 403, `${at(r)}: a create the spec forbids (${describe(requestViolations(r))}) answered ${r.har.status}, not a 4xx`, r.exchange);
        expectThat(!(isObject(r.har.responseBody) && typeof r.har.responseBody['id'] === 'string'), `${at(r)}: the refusal carries a job id`, r.exchange);
      }, ex),
    positive_data_acceptance: () =>
      judgeEach(creates.filter((r) => requestViolations(r).length === 0), 'no valid create', (r) => {
        walletCheck(r);
        expectThat(r.har.status === 200 || r.har.status === 202, `${at(r)}: a valid request answered ${r.har.status}, not 202 (or 200)`, r.exchange);
        const job = r.har.responseBody;
        expectThat(isObject(job) && job['status'] === 'queued', `${at(r)}: a created job must start queued, not ${JSON.stringify(isObject(job) ? job['status'] : job)}`, r.exchange);
      }, ex),
    ignored_auth: () =>
      judgeEach(spec.filter((r) => getOperation(r.har.operationId as string).needsAuth && r.har.forcedStatus === null && !/^Bearer\s/i.test(r.har.requestHeaders['authorization'] ?? '')), 'no request without a Bearer key', (r) => {
        expectThat(r.har.status === 401, `${at(r)}: a request without a Bearer key answered ${r.har.status}, not 401`, r.exchange);
      }, ex),
    unsupported_method: () =>
      judgeEach(recorded.filter((r) => (r.har.operationId === null && r.har.path.startsWith('/v1/')) || r.unserved), 'no request to an unknown endpoint', (r) => {
        expectThat(r.har.status === 404 || r.har.status === 405, `${at(r)}: an unknown endpoint answered ${r.har.status}, not 404 or 405`, r.exchange);
      }, ex),
    error_type_matches_status: () =>
      judgeEach(spec.filter((r) => r.har.status >= 400 && errorCatalog.has(r.har.status)), 'no error answer', (r) => {
        const entry = errorCatalogIn(judgingDialect(RECORDED, r.exchange)).get(r.har.status);
        const body = r.har.responseBody;
        const error = isObject(body) && isObject(body['error']) ? body['error'] : null;
        expectThat(error !== null, `${at(r)}: a ${r.har.status} without the error envelope {error: {message, type}}`, r.exchange);
        expectThat(error['type'] === entry?.type, `${at(r)}: a ${r.har.status} must have error.type '${entry?.type ?? ''}', not ${JSON.stringify(error['type'])}`, r.exchange);
      }, ex),
    retry_after_on_429: () =>
      judgeEach(spec.filter((r) => r.har.status === 429 || (r.har.status === 503 && r.har.responseHeaders['retry-after'] !== undefined)), 'no 429, and no 503 with Retry-After', (r) => {
        const raw = r.har.responseHeaders['retry-after'];
        expectThat(r.har.status !== 429 || raw !== undefined, `${at(r)}: a 429 without Retry-After`, r.exchange);
        const seconds = parseRetryAfter(raw);
        expectThat(seconds !== null && (r.har.status !== 429 || seconds >= 1), `${at(r)}: Retry-After ${JSON.stringify(raw)} is not delay-seconds >= 1 or an HTTP date`, r.exchange);
        const asked = /retry-after\s*=\s*(\d+)/i.exec(r.har.requestHeaders['prefer'] ?? '')?.[1];
        if (asked !== undefined) expectThat(seconds === Number(asked), `${at(r)}: Retry-After ${JSON.stringify(raw)} is not the ${asked} s asked for`, r.exchange);
      }, ex),
    rate_limit_headers_consistent: () => {
      const withHeaders = spec.filter((r) => rateHeaders.some((h) => r.har.responseHeaders[h] !== undefined) && r.har.forcedStatus === null);
      const previous = new Map<string, Recorded>();
      return judgeEach(withHeaders, 'no x-ratelimit-* headers (the spec makes them optional)', (r) => {
        const values = rateHeaders.map((h) => r.har.responseHeaders[h]);
        expectThat(values.every((v) => v !== undefined && /^\d+$/.test(v)), `${at(r)}: rate-limit headers must all be sent as integers: ${rateHeaders.map((h, i) => `${h}=${String(values[i])}`).join(', ')}`, r.exchange);
        const [limit, remaining, reset] = values.map(Number) as [number, number, number];
        expectThat(remaining <= limit, `${at(r)}: remaining ${remaining} is above the limit ${limit}`, r.exchange);
        // Only one request after another is compared (concurrent ones may be counted in any order), per credential.
        const key = r.har.requestHeaders['authorization'] ?? '';
        const before = previous.get(key);
        if (before !== undefined && r.har.startedMs >= before.har.endedMs) {
          const [, prevRemaining, prevReset] = rateHeaders.map((h) => Number(before.har.responseHeaders[h])) as [number, number, number];
          if (reset <= prevReset && reset > 0) expectThat(remaining < prevRemaining, `${at(r)}: remaining went from ${prevRemaining} to ${remaining} within one window (reset ${prevReset} -> ${reset})`, r.exchange);
        }
        previous.set(key, r);
      }, ex);
    },
    ensure_resource_availability: traceJudge('ensure_resource_availability', traces.filter((t) => t.polls.length > 0)),
    lifecycle_monotonic: traceJudge('lifecycle_monotonic', ended, endedNote),
    terminal_absorbing: traceJudge('terminal_absorbing', ended, endedNote),
    completed_has_result: traceJudge('completed_has_result', ended, endedNote),
    result_matches_request: traceJudge('result_matches_request', ended, endedNote),
    failed_has_error: traceJudge('failed_has_error', ended, endedNote),
    id_stable: traceJudge('id_stable', traces),
    timestamps_plausible: traceJudge('timestamps_plausible', traces),
  };
}

export interface HarVerifyOptions {
  /** Shown as the report's target (the HAR's path). */
  source?: string;
  onResult?: (result: CheckResult) => void;
}

/**
 * Every check of the contract suite that needs no new request, run over a recording: schemas,
 * headers, error types, lifecycle order, timestamps, result consistency. Checks that must send
 * something (random sequences, forced faults) are skipped, saying so. The report's drift summary
 * names the dialect the recording shows. A pure function of the HAR.
 */
export function verifyHar(har: Har, options: HarVerifyOptions = {}): SuiteReport {
  const started = performance.now();
  validateHar(har, options.source);
  const exchanges = harExchanges(har).filter((e) => !e.proxyError);
  const recorded: Recorded[] = exchanges.map((e) => {
    const unserved = unservedRoute(e);
    const inSpec = !unserved && e.operationId !== null && getOperationSafe(e.operationId)?.document === 'video';
    return { har: e, exchange: asExchange(e), inSpec, unserved };
  });
  const drift = createDriftRecorder();
  // A poll sooner than 3 s after the last one that answered its job shows the fast-poll point, as the
  // live suite's probe does: 304 (throttled) or the job (not).
  const lastAnswered = new Map<string, number>();
  for (const r of recorded) {
    const { operationId, jobId, status, startedMs, forcedStatus } = r.har;
    const previous = jobId === null ? undefined : lastAnswered.get(jobId);
    const soon = operationId === 'getJob' && forcedStatus === null && previous !== undefined && startedMs - previous < FAST_POLL_MS;
    drift.observeExchange(r.exchange, { soonAfterAnsweredPoll: soon });
    if (operationId === 'getJob' && jobId !== null && status === 200 && forcedStatus === null) lastAnswered.set(jobId, startedMs);
  }
  const judges = offlineJudges(recorded, tracesOf(recorded));
  const results: CheckResult[] = [];
  const base: SuiteReport = {
    target: { name: TARGET_NAME, baseUrl: options.source ?? 'a HAR', isMock: false, stateful: true },
    seed: 0,
    results,
    drift: [],
    spentCents: 0,
    // Nothing is spent: no limit to report.
    maxSpendCents: Number.POSITIVE_INFINITY,
    durationMs: 0,
    dialect: inferDialect(exchanges),
  };
  for (const check of checkCatalogue) {
    const judge = judges[check.name];
    const t0 = performance.now();
    let outcome: CheckOutcome;
    try {
      outcome = judge === undefined ? { status: 'skipped', reason: 'needs new requests (random sequences of creates, polls and waits): not judged from a recording' } : judge();
    } catch (error) {
      if (!(error instanceof PreconditionFailed)) throw error;
      return { ...base, results: [], drift: drift.rows(), durationMs: Math.round(performance.now() - started), precondition: { kind: error.precondition, message: error.message } };
    }
    const result: CheckResult = { name: check.name, sentence: check.sentence, durationMs: Math.round(performance.now() - t0), runs: outcome.status === 'passed' ? outcome.runs : 0, ...outcome };
    results.push(result);
    options.onResult?.(result);
  }
  return { ...base, drift: drift.rows(), durationMs: Math.round(performance.now() - started) };
}

function getOperationSafe(operationId: string): ReturnType<typeof getOperation> | null {
  try {
    return getOperation(operationId);
  } catch {
    return null;
  }
}
