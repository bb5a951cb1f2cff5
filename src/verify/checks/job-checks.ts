import fc from 'fast-check';
import { validateResponse } from '../../contract/index.js';
import { statusesIn } from '../../contract/job-status.js';
import { judgingDialect } from '../judge-dialect.js';
import { defaultAspectRatio, defaultModel, defaultResolution, durationBounds, unknownJobId } from '../arbitraries.js';
import { ContractViolation, expectThat, responseOf, runProperty, type Check, type CheckContext, type CheckOutcome } from '../check.js';
import { send, type Exchange } from '../exchange.js';
import type { Target } from '../target.js';
import { bodyObject, cheapestRequest, statusRank } from '../jobs.js';
import { jobBodies, jobPlans, lastJob, planExamples, traceOf, type JobPlan, type JobTrace } from './job-trace.js';

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Whom a verdict judges: the dialect the target promises, or null to judge each answer in the one it shows. */
type Judged = Pick<Target, 'dialect'>;

/**
 * A check over followed jobs; `judge` applies its verdict to one trace (a recorded one too: verify
 * --from-har, where each answer is judged in the dialect it shows unless told otherwise).
 */
export interface JobCheck extends Check {
  judge(trace: JobTrace, on?: Judged): void;
}

/** A check over followed jobs: every trace must satisfy `verdict`. */
function jobCheck(
  name: string,
  sentence: string,
  verdict: (trace: JobTrace, on: Judged) => void,
  options: { needsMock?: boolean } = {},
): JobCheck {
  return {
    judge: (trace, on = { dialect: null }) => verdict(trace, on),
    name,
    sentence,
    group: 'async-job',
    needsState: true,
    needsMock: options.needsMock ?? false,
    createsPerRun: 1,
    run: (ctx) =>
      runProperty(
        ctx,
        jobPlans(ctx.target),
        async (plan: JobPlan) => {
          const trace = await traceOf(ctx, plan, name);
          const status = responseOf(trace.create).status;
          expectThat(trace.id !== null, `a valid create answered ${status} without a job id`, trace.create);
          verdict(trace, ctx.target);
        },
        { examples: planExamples(ctx.target) },
      ),
  };
}

const expectEnded = (trace: JobTrace): void => {
  const last = trace.polls.at(-1) ?? trace.create;
  if (last.response !== null && last.response.status !== 200) {
    throw new ContractViolation(`polling job ${trace.id ?? ''} answered ${last.response.status}`, last);
  }
  expectThat(trace.ended, `job ${trace.id ?? ''} did not end within the poll budget (${trace.polls.length} polls)`, last);
};

export const ensureResourceAvailability = jobCheck(
  'ensure_resource_availability',
  'lets a created job be read back by its id',
  (trace) => {
    const first = trace.polls[0];
    expectThat(first !== undefined, 'the created job was never polled', trace.create);
    const status = responseOf(first).status;
    expectThat(status === 200, `GET /v1/jobs/${trace.id ?? ''} right after its create answered ${status}, not 200`, first);
  },
);

export const lifecycleMonotonic = jobCheck(
  'lifecycle_monotonic',
  'moves every job forward only: queued, processing (or running), then completed, failed or cancelled',
  (trace, on) => {
    let previous: { status: unknown; rank: number } | null = null;
    for (const { exchange, job } of jobBodies(trace)) {
      const rank = statusRank(job['status']);
      const statuses = statusesIn(judgingDialect(on, exchange));
      expectThat(statuses.includes(job['status'] as string), `status ${JSON.stringify(job['status'])} is not one of ${statuses.join(', ')}`, exchange);
      if (previous !== null) {
        expectThat(rank >= previous.rank, `status went back from ${String(previous.status)} to ${String(job['status'])}`, exchange);
      }
      previous = { status: job['status'], rank };
    }
    expectEnded(trace);
  },
);

export const terminalAbsorbing = jobCheck(
  'terminal_absorbing',
  'keeps an ended job exactly as it ended on every later poll',
  (trace) => {
    expectEnded(trace);
    const ended = lastJob(trace);
    if (ended === undefined) return;
    const { status, result, error } = ended.job;
    for (const exchange of trace.after) {
      const job = bodyObject(exchange);
      expectThat(responseOf(exchange).status === 200 && job !== null, `a poll after the end answered ${responseOf(exchange).status}`, exchange);
      expectThat(job['status'] === status, `an ended job changed from ${String(status)} to ${String(job['status'])}`, exchange);
      expectThat(
        JSON.stringify(job['result']) === JSON.stringify(result) && JSON.stringify(job['error']) === JSON.stringify(error),
        `the ${String(status)} job's result or error changed on a later poll`,
        exchange,
      );
    }
  },
);

export const completedHasResult = jobCheck(
  'completed_has_result',
  'gives every completed job a video URL (where its dialect puts it) that downloads as video/mp4',
  (trace, on) => {
    expectEnded(trace);
    const ended = lastJob(trace);
    if (ended === undefined || ended.job['status'] !== 'completed') {
      expectThat(trace.plan.outcome !== 'completed', `job ended ${String(ended?.job['status'])}, not completed`, ended?.exchange ?? trace.create);
      return;
    }
    const place = judgingDialect(on, ended.exchange).choices['result-location'];
    const where = place === 'result_url' ? 'result_url' : place === 'result.file_url' ? 'result.file_url' : 'result.url';
    const result = isObject(ended.job['result']) ? ended.job['result'] : null;
    const url = where === 'result_url' ? ended.job['result_url'] : result?.[where === 'result.url' ? 'url' : 'file_url'];
    expectThat(typeof url === 'string', `a completed job has no ${where}`, ended.exchange);
    expectThat(/^https?:\/\/[^/]+\//.test(url), `${where} ${JSON.stringify(url)} is not an absolute http(s) URL`, ended.exchange);
    const download = trace.download;
    // A recording that never downloaded the video cannot show the download; nothing new is sent offline.
    if (download === null && trace.offline === true) return;
    expectThat(download !== null, `${where} was not downloaded`, ended.exchange);
    const response = responseOf(download);
    expectThat(response.status === 206 || response.status === 200, `downloading ${where} answered ${response.status}`, download);
    const violations = validateResponse('downloadJobMedia', response.status, response.headers, response.body);
    expectThat(violations.length === 0, `the download breaks the contract: ${violations.map((v) => `${v.param}: ${v.message}`).join('; ')}`, download);
  },
  {},
);

/** Width x height in pixels must follow the tier (short side) and the aspect ratio. */
function resolutionProblem(resolution: unknown, aspectRatio: string, tier: string): string | null {
  const match = typeof resolution === 'string' ? /^(\d+)x(\d+)$/.exec(resolution) : null;
  if (match === null) return `result.resolution ${JSON.stringify(resolution)} is not WIDTHxHEIGHT`;
  const width = Number(match[1]);
  const height = Number(match[2]);
  const [rw, rh] = aspectRatio.split(':').map(Number) as [number, number];
  const wanted = rw / rh;
  if (Math.abs(width / height - wanted) > 0.02 * wanted) return `${resolution} is not ${aspectRatio}`;
  if (Math.min(width, height) !== Number.parseInt(tier, 10)) return `${resolution} is not ${tier} (short side ${Number.parseInt(tier, 10)})`;
  return null;
}

export const resultMatchesRequest = jobCheck(
  'result_matches_request',
  'produces a video of the duration, aspect ratio and resolution that were asked for',
  (trace) => {
    expectEnded(trace);
    const ended = lastJob(trace);
    if (ended === undefined || ended.job['status'] !== 'completed') return;
    // The Node SDK's reading has no `result` object, so nothing to compare (its absence is the schema's to judge).
    if (!isObject(ended.job['result'])) return;
    const result = ended.job['result'];
    const request = trace.plan.request;
    const duration = request.duration ?? durationBounds.default;
    expectThat(result['duration'] === duration, `result.duration ${JSON.stringify(result['duration'])} is not the ${duration} s asked for`, ended.exchange);
    const problem = resolutionProblem(result['resolution'], request.aspect_ratio ?? defaultAspectRatio, request.resolution ?? defaultResolution);
    expectThat(problem === null, `${problem ?? ''} (asked ${request.aspect_ratio ?? `default ${defaultAspectRatio}`} at ${request.resolution ?? `default ${defaultResolution}`})`, ended.exchange);
  },
  {},
);

export const failedHasError = jobCheck(
  'failed_has_error',
  'gives every failed job an error with a code and a message (or the message, where its dialect sends a string), and no result (failures forced with Prefer: outcome=failed)',
  (trace, on) => {
    expectEnded(trace);
    const ended = lastJob(trace);
    if (trace.plan.outcome !== 'failed' && ended?.job['status'] !== 'failed') return;
    expectThat(ended !== undefined && ended.job['status'] === 'failed', `a job asked to fail (Prefer: outcome=failed) ended ${String(ended?.job['status'])}`, ended?.exchange ?? trace.create);
    expectThat(ended.job['result'] === undefined, 'a failed job has a result', ended.exchange);
    if (judgingDialect(on, ended.exchange).choices['failed-error'] === 'string') {
      // The Node SDK's reading: the message alone, so no code to compare.
      expectThat(typeof ended.job['error'] === 'string' && ended.job['error'] !== '', `a failed job has no error message (got ${JSON.stringify(ended.job['error'])})`, ended.exchange);
      return;
    }
    const error = isObject(ended.job['error']) ? ended.job['error'] : null;
    expectThat(error !== null, `a failed job has no error object (got ${JSON.stringify(ended.job['error'])})`, ended.exchange);
    expectThat(typeof error['code'] === 'string' && error['code'] !== '', 'a failed job\'s error has no code', ended.exchange);
    expectThat(typeof error['message'] === 'string' && error['message'] !== '', 'a failed job\'s error has no message', ended.exchange);
    if (trace.plan.failure !== null) {
      expectThat(error['code'] === trace.plan.failure, `error.code ${JSON.stringify(error['code'])} is not the ${trace.plan.failure} asked for`, ended.exchange);
    }
  },
  { needsMock: true },
);

export const idStable = jobCheck(
  'id_stable',
  'keeps the id a job was created with on every poll',
  (trace) => {
    for (const { exchange, job } of jobBodies(trace)) {
      expectThat(job['id'] === trace.id, `the job created as ${trace.id ?? ''} answered id ${JSON.stringify(job['id'])}`, exchange);
    }
  },
);

/** Clocks of client and gateway may disagree this much. */
export const CLOCK_SKEW_MS = 10 * 60 * 1000;
const TIME_FIELDS = ['created', 'created_at', 'updated_at'] as const;

export const timestampsPlausible = jobCheck(
  'timestamps_plausible',
  'stamps jobs in unix seconds near the target\'s clock, never moving created and never moving updated_at back',
  (trace, on) => {
    const low = (trace.nowBefore - CLOCK_SKEW_MS) / 1000;
    const high = (trace.nowAfter + CLOCK_SKEW_MS) / 1000;
    let first: Record<string, unknown> | null = null;
    let updated = Number.NEGATIVE_INFINITY;
    for (const { exchange, job } of jobBodies(trace)) {
      for (const field of TIME_FIELDS) {
        const value = job[field];
        if (value === undefined) continue;
        expectThat(typeof value === 'number' && Number.isInteger(value), `${field} ${JSON.stringify(value)} is not an integer`, exchange);
        expectThat(value < 1e11, `${field} ${value} looks like milliseconds, not unix seconds`, exchange);
        expectThat(value >= low && value <= high, `${field} ${value} is not within ${CLOCK_SKEW_MS / 60000} min of the target's clock (${Math.floor(trace.nowBefore / 1000)}..${Math.floor(trace.nowAfter / 1000)})`, exchange);
      }
      // The docs pages and the published spec show jobs without timestamps: only a dialect with time fields owes one.
      if (judgingDialect(on, exchange).choices['time-fields'] !== 'none') {
        expectThat(TIME_FIELDS.slice(0, 2).some((f) => job[f] !== undefined), 'the job has no creation time (created or created_at)', exchange);
      }
      first ??= job;
      for (const field of ['created', 'created_at'] as const) {
        expectThat(job[field] === first[field], `${field} changed from ${String(first[field])} to ${String(job[field])}`, exchange);
      }
      if (typeof job['updated_at'] === 'number') {
        const created = (job['created_at'] ?? job['created']) as number;
        expectThat(job['updated_at'] >= created, `updated_at ${job['updated_at']} is before the creation ${created}`, exchange);
        expectThat(job['updated_at'] >= updated, `updated_at went back from ${updated} to ${job['updated_at']}`, exchange);
        updated = job['updated_at'];
      }
    }
  },
);

/** `Retry-After` is delay-seconds or an HTTP date (RFC 9110 section 10.2.3). */
export function parseRetryAfter(value: string | undefined): number | null {
  if (value === undefined) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, Math.ceil((date - Date.now()) / 1000)) : null;
}

const retryScenario = fc.record({
  status: fc.constantFrom(429, 503),
  how: fc.constantFrom('prefer', 'fault'),
  operation: fc.constantFrom('createVideo', 'getJob'),
  retryAfter: fc.option(fc.integer({ min: 1, max: 3600 }), { nil: undefined }),
  jobId: unknownJobId,
});

export const retryAfterOn429: Check = {
  name: 'retry_after_on_429',
  sentence: 'sends a parseable Retry-After with every 429, and with a 503 whenever it sends one',
  group: 'async-job',
  needsState: false,
  needsMock: true,
  createsPerRun: 0,
  run: (ctx) =>
    runProperty(ctx, retryScenario, async (s) => {
      const key = ctx.target.keyFor('retry_after_on_429');
      const prefer = s.how === 'prefer' ? [`code=${s.status}`, s.retryAfter === undefined ? null : `retry-after=${s.retryAfter}`].filter((p) => p !== null).join(', ') : null;
      if (s.how === 'fault') {
        await send(ctx.target, { method: 'POST', path: '/__mock/faults', key, json: { operation: s.operation, status: s.status, count: 1, ...(s.retryAfter === undefined ? {} : { retry_after: s.retryAfter }) } });
      }
      const headers: Record<string, string> = prefer === null ? {} : { prefer };
      const exchange: Exchange =
        s.operation === 'createVideo'
          ? await send(ctx.target, { method: 'POST', path: '/v1/videos/generations', key, headers, json: cheapestRequest(defaultModel), operationId: 'createVideo', expectRateLimit: true })
          : await send(ctx.target, { method: 'GET', path: `/v1/jobs/${s.jobId}`, key, headers, operationId: 'getJob', expectRateLimit: true });
      ctx.drift.observeExchange(exchange);
      const response = responseOf(exchange);
      expectThat(response.status === s.status, `asked for ${s.status}, answered ${response.status}`, exchange);
      const raw = response.headers['retry-after'];
      const seconds = parseRetryAfter(raw);
      if (s.status === 429) expectThat(raw !== undefined, 'a 429 without Retry-After', exchange);
      if (raw !== undefined) expectThat(seconds !== null && (s.status !== 429 || seconds >= 1), `Retry-After ${JSON.stringify(raw)} is not delay-seconds >= 1 or an HTTP date`, exchange);
      if (s.retryAfter !== undefined) expectThat(seconds === s.retryAfter, `Retry-After ${JSON.stringify(raw)} is not the ${s.retryAfter} s asked for`, exchange);
    }),
};

const RATE_HEADERS = ['x-ratelimit-limit-requests', 'x-ratelimit-remaining-requests', 'x-ratelimit-reset-requests'] as const;

export const rateLimitHeadersConsistent: Check = {
  name: 'rate_limit_headers_consistent',
  sentence: 'keeps the rate-limit headers consistent: remaining never above the limit, falling within a window',
  group: 'async-job',
  needsState: true,
  needsMock: false,
  createsPerRun: 0,
  async run(ctx): Promise<CheckOutcome> {
    let seenHeaders = false;
    let run = 0;
    const outcome = await runProperty(ctx, fc.array(unknownJobId, { minLength: 2, maxLength: 6 }), async (ids) => {
      const key = ctx.target.keyFor(`rate_limit_headers_consistent-${run++}`);
      let previous: { remaining: number; reset: number } | null = null;
      for (const id of ids) {
        const exchange = await send(ctx.target, { method: 'GET', path: `/v1/jobs/${id}`, key, operationId: 'getJob' });
        const headers = responseOf(exchange).headers;
        const values = RATE_HEADERS.map((h) => headers[h]);
        if (values.every((v) => v === undefined)) continue;
        seenHeaders = true;
        expectThat(values.every((v) => v !== undefined && /^\d+$/.test(v)), `rate-limit headers must all be sent as integers: ${RATE_HEADERS.map((h, i) => `${h}=${String(values[i])}`).join(', ')}`, exchange);
        const [limit, remaining, reset] = values.map(Number) as [number, number, number];
        expectThat(remaining <= limit, `remaining ${remaining} is above the limit ${limit}`, exchange);
        if (previous !== null && reset <= previous.reset) {
          expectThat(remaining < previous.remaining, `remaining went from ${previous.remaining} to ${remaining} within one window (reset ${previous.reset} -> ${reset})`, exchange);
        }
        previous = { remaining, reset };
      }
    });
    if (outcome.status === 'passed' && !seenHeaders) return { ...outcome, note: 'the target sent no x-ratelimit-* headers (the spec makes them optional)' };
    return outcome;
  },
};

