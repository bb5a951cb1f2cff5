import type { SimRequest, SimResponse } from '../../src/sim/exchange.js';
import type { Simulation } from '../../src/sim/simulation.js';

/** One contract defect, injected by wrapping the simulation's `handle` (production code untouched). */
export interface Mutant {
  name: string;
  /** The defect, as a sentence. */
  defect: string;
  /** Wraps a fresh simulation; state a mutant needs (poll counters) lives in the closure. */
  mutate: (simulation: Simulation) => Simulation;
}

type Alter = (request: SimRequest, response: SimResponse, inner: (request: SimRequest) => Promise<SimResponse>) => SimResponse | Promise<SimResponse>;

/** The simulation with `handle` replaced; everything else (state, clock, reset) is the original's. */
function wrapHandle(simulation: Simulation, alter: Alter): Simulation {
  const inner = (request: SimRequest): Promise<SimResponse> => simulation.handle(request);
  const handle = async (request: SimRequest): Promise<SimResponse> => alter(request, await inner(request), inner);
  return new Proxy(simulation, { get: (target, property, receiver) => (property === 'handle' ? handle : Reflect.get(target, property, receiver)) });
}

const pathOf = (request: SimRequest): string => new URL(request.url, 'http://mock.invalid').pathname;
const isGetJob = (request: SimRequest): boolean => request.method === 'GET' && /^\/v1\/jobs\/[^/]+$/.test(pathOf(request));
const isCreate = (request: SimRequest): boolean => request.method === 'POST' && pathOf(request) === '/v1/videos/generations';
const jsonBody = (response: SimResponse): Record<string, unknown> | null =>
  response.body.kind === 'json' && typeof response.body.value === 'object' && response.body.value !== null
    ? (response.body.value as Record<string, unknown>)
    : null;
const withJson = (response: SimResponse, value: unknown): SimResponse => ({ ...response, body: { kind: 'json', value } });
const errorOf = (body: Record<string, unknown> | null): Record<string, unknown> | null =>
  typeof body?.['error'] === 'object' && body['error'] !== null ? (body['error'] as Record<string, unknown>) : null;

/** A mutant that edits only the answers `when` selects. */
function mutant(name: string, defect: string, alter: Alter): Mutant {
  return { name, defect, mutate: (simulation) => wrapHandle(simulation, alter) };
}

/** A mutant with per-simulation state (a counter per job id). */
function countingMutant(name: string, defect: string, alter: (counts: Map<string, number>) => Alter): Mutant {
  return { name, defect, mutate: (simulation) => wrapHandle(simulation, alter(new Map())) };
}

const jobAnswer = (request: SimRequest, response: SimResponse): Record<string, unknown> | null =>
  isGetJob(request) && response.status === 200 ? jsonBody(response) : null;

export const mutants: readonly Mutant[] = [
  mutant('429-without-retry-after', 'a 429 without Retry-After', (_req, res) => {
    if (res.status !== 429) return res;
    const { ['retry-after']: _dropped, ...headers } = res.headers;
    return { ...res, headers };
  }),
  countingMutant('status-goes-backwards', 'a completed job shows processing again on every other poll', (counts) => (req, res) => {
    const job = jobAnswer(req, res);
    if (job === null || job['status'] !== 'completed') return res;
    const id = String(job['id']);
    const n = (counts.get(id) ?? 0) + 1;
    counts.set(id, n);
    if (n % 2 === 1) return res;
    const { result: _r, result_url: _u, ...rest } = job;
    return withJson(res, { ...rest, status: 'processing', progress: 50 });
  }),
  mutant('completed-without-result-url', 'a completed job without result.url', (req, res) => {
    const job = jobAnswer(req, res);
    if (job === null || job['status'] !== 'completed') return res;
    const { url: _u, ...result } = job['result'] as Record<string, unknown>;
    return withJson(res, { ...job, result });
  }),
  mutant('wrong-401-type', "a 401 typed 'invalid_key' instead of authentication_error", (_req, res) => {
    const error = errorOf(jsonBody(res));
    if (res.status !== 401 || error === null) return res;
    return withJson(res, { error: { ...error, type: 'invalid_key' } });
  }),
  mutant('wrong-content-type', 'JSON answers labelled text/plain', (_req, res) =>
    res.body.kind === 'json' ? { ...res, headers: { ...res.headers, 'content-type': 'text/plain; charset=utf-8' } } : res,
  ),
  mutant('resolution-ignores-aspect-ratio', 'result.resolution is 1920x1080 whatever the aspect ratio and tier', (req, res) => {
    const job = jobAnswer(req, res);
    if (job === null || job['status'] !== 'completed') return res;
    return withJson(res, { ...job, result: { ...(job['result'] as object), resolution: '1920x1080' } });
  }),
  countingMutant('id-changes-between-polls', 'the id a poll answers changes from poll to poll', (counts) => (req, res) => {
    const job = jobAnswer(req, res);
    if (job === null) return res;
    const id = String(job['id']);
    const n = (counts.get(id) ?? 0) + 1;
    counts.set(id, n);
    return n === 1 ? res : withJson(res, { ...job, id: `${id}_${n}` });
  }),
  mutant('timestamps-in-milliseconds', 'created, created_at and updated_at in milliseconds', (req, res) => {
    const job = isGetJob(req) || isCreate(req) ? jsonBody(res) : null;
    if (job === null || res.status >= 300) return res;
    const times: Record<string, unknown> = {};
    for (const field of ['created', 'created_at', 'updated_at']) if (typeof job[field] === 'number') times[field] = (job[field] as number) * 1000;
    return withJson(res, { ...job, ...times });
  }),
  mutant('status-outside-enum', "processing is reported as 'running' (the docs pages' word)", (req, res) => {
    const job = jobAnswer(req, res);
    return job !== null && job['status'] === 'processing' ? withJson(res, { ...job, status: 'running' }) : res;
  }),
  mutant('402-reported-as-400', 'an empty wallet answers 400 invalid_request_error instead of 402', (_req, res) => {
    const error = errorOf(jsonBody(res));
    if (res.status !== 402 || error === null) return res;
    return { ...withJson(res, { error: { ...error, type: 'invalid_request_error' } }), status: 400 };
  }),
  mutant('failed-without-error', 'a failed job without its error object', (req, res) => {
    const job = jobAnswer(req, res);
    if (job === null || job['status'] !== 'failed') return res;
    const { error: _e, ...rest } = job;
    return withJson(res, rest);
  }),
  mutant('5xx-with-html-body', 'server errors answered with an HTML page', (_req, res) =>
    res.status >= 500
      ? { ...res, headers: { ...res.headers, 'content-type': 'text/html; charset=utf-8' }, body: { kind: 'bytes', data: new TextEncoder().encode('<html><body><h1>502 Bad Gateway</h1></body></html>') } }
      : res,
  ),
  countingMutant('terminal-not-absorbing', "a completed job's result.url changes on later polls", (counts) => (req, res) => {
    const job = jobAnswer(req, res);
    if (job === null || job['status'] !== 'completed') return res;
    const id = String(job['id']);
    const n = (counts.get(id) ?? 0) + 1;
    counts.set(id, n);
    const result = job['result'] as Record<string, unknown>;
    return n === 1 ? res : withJson(res, { ...job, result: { ...result, url: `${String(result['url'])}?v=${n}` } });
  }),
  mutant('accepts-invalid-data', 'an invalid create is accepted as a queued job', (req, res) => {
    if (!isCreate(req) || res.status !== 400) return res;
    const now = 1776945600;
    return { ...withJson(res, { id: 'job_accepted_invalid', object: 'job', status: 'queued', model: 'openai/sora-2-video-to-video-remix', created: now, created_at: now, updated_at: now, modality: 'video', progress: 0 }), status: 202 };
  }),
  mutant('rejects-valid-480p', 'a valid create asking for 480p is refused with 400', (req, res) => {
    if (!isCreate(req) || res.status >= 300 || req.body === null) return res;
    const text = new TextDecoder().decode(req.body);
    if (!text.includes('"480p"')) return res;
    return { ...withJson(res, { error: { message: 'resolution: must be one of: 720p, 1080p', type: 'invalid_request_error', code: 'invalid_value', param: 'resolution' } }), status: 400 };
  }),
  mutant('ignores-missing-credentials', 'a request without Authorization is served as if it had a key', (req, res, inner) => {
    if (req.headers['authorization'] !== undefined || res.status !== 401) return res;
    return inner({ ...req, headers: { ...req.headers, authorization: 'Bearer sk-aig-anonymous' } });
  }),
  mutant('remaining-above-limit', 'x-ratelimit-remaining-requests above the limit', (_req, res) => {
    const limit = res.headers['x-ratelimit-limit-requests'];
    return limit === undefined ? res : { ...res, headers: { ...res.headers, 'x-ratelimit-remaining-requests': String(Number(limit) + 5) } };
  }),
  mutant('unknown-job-is-a-server-error', 'an unknown job answers 500 instead of 404', (req, res) => {
    if (!isGetJob(req) || res.status !== 404) return res;
    return { ...withJson(res, { error: { message: 'The upstream video provider failed. Retry the request.', type: 'server_error', code: 'upstream_error', param: null } }), status: 500 };
  }),
  countingMutant('created-job-not-readable', 'the first poll of a new job answers 404', (counts) => (req, res) => {
    const job = jobAnswer(req, res);
    if (job === null) return res;
    const id = String(job['id']);
    const n = (counts.get(id) ?? 0) + 1;
    counts.set(id, n);
    if (n > 1) return res;
    return { ...withJson(res, { error: { message: `Job '${id}' not found.`, type: 'not_found', code: 'job_not_found', param: 'id' } }), status: 404 };
  }),
  mutant('result-duration-ignored', 'result.duration is always 5 s, whatever was asked', (req, res) => {
    const job = jobAnswer(req, res);
    if (job === null || job['status'] !== 'completed') return res;
    return withJson(res, { ...job, result: { ...(job['result'] as object), duration: 5 } });
  }),
  mutant('wrong-method-answered', 'a method the path does not support answers 200', (_req, res) =>
    res.status === 404 && res.headers['allow'] !== undefined ? { ...withJson(res, {}), status: 200 } : res,
  ),
  mutant('503-retry-after-unparseable', "a 503 with Retry-After 'soon'", (_req, res) =>
    res.status === 503 ? { ...res, headers: { ...res.headers, 'retry-after': 'soon' } } : res,
  ),
  mutant('no-request-id', 'answers without x-request-id', (req, res) => {
    if (pathOf(req).startsWith('/__mock')) return res;
    const { ['x-request-id']: _dropped, ...headers } = res.headers;
    return { ...res, headers };
  }),
];
