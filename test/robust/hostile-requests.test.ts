import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMockServer, type RunningMockServer } from '../../mocks/express.js';
import { startNodeHttpMockServer } from '../../mocks/node-http.js';
import { validateResponse } from '../../src/contract/validate-response.js';
import { getOperation } from '../../src/contract/openapi-document.js';
import { errorBodyProblems } from './error-shape.js';
import { hostileCreate, hostileFraming, hostileLookup, type HostileRequest } from './hostile-request.js';
import { rawExchange, requestBytes, type RawAnswer } from './raw-http.js';

// `npm test` runs a few; `npm run test:robust` sets ROBUST_RUNS (and ROBUST_SEED to replay a run).
const RUNS = Number(process.env['ROBUST_RUNS'] ?? 25);
const SEED = Number(process.env['ROBUST_SEED'] ?? Date.now() % 2 ** 31);
const REQUEST_TIMEOUT_MS = 400;
// A hang is caught per request (rawExchange's own limit); this only bounds a whole property.
const PROPERTY_TIMEOUT_MS = 60_000 + RUNS * 500;

/** Everything about Object.prototype a pollution would change. */
const prototypeFingerprint = (): string =>
  JSON.stringify(Reflect.ownKeys(Object.prototype).map((k) => String(k)).sort()) + String(({} as Record<string, unknown>)['polluted']);

/** Why an answer to a hostile request is not acceptable; empty when it is. */
function problemsOf(request: HostileRequest, answer: RawAnswer): string[] {
  if (answer.ended === 'timeout') return ['no answer and no close within the time limit (a hang)'];
  if (answer.status === null) {
    // The server may drop a connection it cannot parse; it must never leave one hanging.
    return answer.raw.length === 0 ? [] : [`an answer that is not HTTP: ${answer.raw.slice(0, 80)}`];
  }
  const problems: string[] = [];
  if (answer.status >= 500 && !request.asked5xx) problems.push(`${answer.status} that nobody asked for: ${answer.body.slice(0, 200)}`);
  if (answer.status >= 400 && answer.headers['content-type'] !== undefined) problems.push(...errorBodyProblems(answer, request.operationId));
  else if (answer.status >= 400) problems.push(...errorBodyProblems(answer, null));
  if (answer.status < 300 && request.operationId !== null && request.operationId !== 'downloadJobMedia' && answer.body !== '') {
    const documented = getOperation(request.operationId).responses.some((r) => r.status === String(answer.status));
    if (documented) {
      try {
        problems.push(...validateResponse(request.operationId, answer.status, answer.headers, JSON.parse(answer.body)).map((v) => `${v.param}: ${v.message}`));
      } catch {
        problems.push(`a ${answer.status} whose body is not JSON`);
      }
    }
  }
  return problems;
}

const adapters = [
  ['Express', startMockServer],
  ['node:http', startNodeHttpMockServer],
] as const;

describe.each(adapters)(`%s adapter: hostile requests over real sockets (seed ${SEED}, ${RUNS} runs per property; replay with ROBUST_SEED=${SEED})`, (adapter, start) => {
  let server: RunningMockServer;
  const before = prototypeFingerprint();
  const tally = new Map<string, number>();
  const outcomes = new Map<string, number>();
  const count = (answer: RawAnswer): void => {
    const outcome = answer.status === null ? `no answer (${answer.ended})` : String(answer.status);
    outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1);
  };
  let sent = 0;
  const send = async (request: HostileRequest, options: Parameters<typeof rawExchange>[2] = {}): Promise<string[]> => {
    sent++;
    tally.set(request.label, (tally.get(request.label) ?? 0) + 1);
    const answer = await rawExchange(server.port, request.bytes, { timeoutMs: 20_000, ...options });
    count(answer);
    return problemsOf(request, answer).map((p) => `${request.label}: ${p}`);
  };

  beforeAll(async () => {
    server = await start({ port: 0, requestTimeoutMs: REQUEST_TIMEOUT_MS, maxJobs: 1000 });
    process.stdout.write(`robust (${adapter}): seed ${SEED}, ${RUNS} runs per property (ROBUST_SEED=${SEED} ROBUST_RUNS=${RUNS} to replay)\n`);
  });
  afterAll(async () => {
    await server.close();
    const kinds = [...tally].sort((a, b) => b[1] - a[1]).map(([label, n]) => `${n} ${label}`);
    const statuses = [...outcomes].sort((a, b) => b[1] - a[1]).map(([outcome, n]) => `${outcome}: ${n}`);
    process.stdout.write(`robust (${adapter}): ${sent} hostile requests tried (seed ${SEED}); answers ${statuses.join(', ')}\nrobust (${adapter}): by kind: ${kinds.join('; ')}\n`);
  });

  it('survives hostile creates: every answer is the API error or a valid job, never an unasked 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(hostileCreate, async (request) => {
        expect(await send(request)).toEqual([]);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  }, PROPERTY_TIMEOUT_MS);

  it('survives hostile job and media ids: traversal, unicode, RTL and NUL are unknown ids, not files', async () => {
    await fc.assert(
      fc.asyncProperty(hostileLookup, async (request) => {
        expect(await send(request)).toEqual([]);
      }),
      { numRuns: RUNS, seed: SEED + 1 },
    );
  }, PROPERTY_TIMEOUT_MS);

  it('survives broken framing, oversized headers and hostile control API bodies', async () => {
    await fc.assert(
      fc.asyncProperty(hostileFraming, async (request) => {
        expect(await send(request)).toEqual([]);
      }),
      { numRuns: RUNS, seed: SEED + 2 },
    );
  }, PROPERTY_TIMEOUT_MS);

  it('answers 408 in the API envelope to bodies that stall, once the request timeout fires', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 2_000_000 }), fc.integer({ min: 0, max: 20 }), async (declared, sentBytes) => {
        const request: HostileRequest = {
          label: 'stalled body',
          bytes: requestBytes('POST', '/v1/videos/generations', [['authorization', 'Bearer sk-aig-robust-a'], ['content-type', 'application/json']], '{"model":"x"'.slice(0, Math.min(sentBytes, declared - 1)), {
            contentLength: Math.min(declared, 1024 * 1024),
          }),
          operationId: 'createVideo',
          asked5xx: false,
        };
        sent++;
        tally.set(request.label, (tally.get(request.label) ?? 0) + 1);
        const answer = await rawExchange(server.port, request.bytes, { timeoutMs: 20_000 });
        count(answer);
        expect(answer.ended).not.toBe('timeout');
        expect(answer.status).toBe(408);
        expect(errorBodyProblems(answer)).toEqual([]);
      }),
      { numRuns: Math.max(3, Math.round(RUNS / 10)), seed: SEED + 3 },
    );
  }, PROPERTY_TIMEOUT_MS);

  it('leaves Object.prototype untouched', () => {
    expect(prototypeFingerprint()).toBe(before);
  });

  it('still creates and polls a job normally afterwards', async () => {
    const created = await fetch(`${server.url}/videos/generations`, {
      method: 'POST',
      headers: { authorization: 'Bearer sk-aig-robust-after', 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'openai/sora-2-video-to-video-remix', prompt: 'a calm lake' }),
    });
    expect(created.status).toBe(202);
    const job = (await created.json()) as { id: string };
    const polled = await fetch(`${server.url}/jobs/${job.id}`, { headers: { authorization: 'Bearer sk-aig-robust-after' } });
    expect(polled.status).toBe(200);
    expect(validateResponse('getJob', 200, polled.headers, await polled.json())).toEqual([]);
  });
});
