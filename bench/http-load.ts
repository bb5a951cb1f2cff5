import autocannon from 'autocannon';

export const BENCH_KEY = 'sk-aig-bench-load';
export const createBody = JSON.stringify({ model: 'openai/sora-2-video-to-video-remix', prompt: 'a slow drone shot over a mountain lake', duration: 5 });

export type Scenario = 'GET /v1/jobs/{id}' | 'POST /v1/videos/generations';

export interface LoadResult {
  target: string;
  scenario: Scenario;
  round: number;
  seconds: number;
  /** Requests in flight at once (autocannon's connections); absent in runs recorded before it varied: 10. */
  connections?: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  /** Connection errors, timeouts and non-2xx answers: all should be 0. */
  errors: number;
  non2xx: number;
  /** The machine's 1-minute load average right after the run (other work shares the cores). */
  loadAverage?: number;
  /** CPU time per request, µs: the server's processes (and the Redis server behind them), and autocannon's process. */
  serverCpuUs?: number;
  redisCpuUs?: number;
  clientCpuUs?: number;
}

/** Creates one job on a target, for the GET scenario (Prism answers 200 with its example; the reference servers a fixed job). */
export async function existingJobId(origin: string): Promise<string> {
  const response = await fetch(`${origin}/v1/videos/generations`, {
    method: 'POST',
    headers: { authorization: `Bearer ${BENCH_KEY}`, 'content-type': 'application/json' },
    body: createBody,
  });
  const body = (await response.json()) as { id?: unknown };
  if (response.status < 200 || response.status > 299 || typeof body.id !== 'string') throw new Error(`create on ${origin} answered ${response.status}`);
  return body.id;
}

function run(options: autocannon.Options): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(result)));
  });
}

/** One autocannon run on loopback (10 connections unless told), after an optional warm-up run that is thrown away. */
export async function measure(
  target: { name: string; origin: string },
  scenario: Scenario,
  jobId: string,
  seconds: number,
  round: number,
  warmUpSeconds = 2,
  connections = 10,
): Promise<LoadResult> {
  const request: autocannon.Request =
    scenario === 'POST /v1/videos/generations'
      ? {
          method: 'POST',
          path: '/v1/videos/generations',
          headers: { authorization: `Bearer ${BENCH_KEY}`, 'content-type': 'application/json' },
          body: createBody,
        }
      : { method: 'GET', path: `/v1/jobs/${jobId}`, headers: { authorization: `Bearer ${BENCH_KEY}` } };
  const options = { url: target.origin, connections, pipelining: 1, requests: [request] };
  if (warmUpSeconds > 0) await run({ ...options, duration: warmUpSeconds });
  const result = await run({ ...options, duration: seconds });
  return {
    target: target.name,
    scenario,
    round,
    seconds,
    connections,
    requestsPerSecond: Math.round(result.requests.average),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
    errors: result.errors + result.timeouts + result.non2xx,
    non2xx: result.non2xx,
  };
}
