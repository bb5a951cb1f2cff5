import { describe, expect, it } from 'vitest';
import { validateResponse } from '../../src/contract/validate-response.js';
import { createSimulation } from '../../src/sim/simulation.js';
import { call, create, poll, virtualClock } from '../support/sim-call.js';

const wallet = (sim: ReturnType<typeof createSimulation>, key = 'sk-aig-test') => call(sim, 'GET', '/__mock/wallet', { key }).json;

describe('the wallet', () => {
  it("charges duration x the model's price per second ($0.10/s)", () => {
    const sim = createSimulation({ creditsCents: 1000, now: virtualClock().now });
    create(sim, { duration: 7 });
    expect(wallet(sim)).toMatchObject({ balance_cents: 930, spent_cents: 70 });
  });

  it('answers 402 insufficient_credits, stating cost and balance, when the wallet cannot pay', () => {
    const sim = createSimulation({ creditsCents: 60, now: virtualClock().now });
    expect(create(sim, { duration: 5 }).status).toBe(202);
    const r = create(sim, { duration: 5 });
    expect(r.status).toBe(402);
    expect(r.json.error).toMatchObject({ type: 'insufficient_credits' });
    expect(r.json.error.message).toContain('costs $0.50 and the wallet holds $0.10');
    expect(validateResponse('createVideo', 402, r.headers, r.json)).toEqual([]);
    expect(wallet(sim).balance_cents).toBe(10);
  });

  it('refunds a failed job once it has failed', () => {
    const clock = virtualClock();
    const sim = createSimulation({ creditsCents: 1000, now: clock.now });
    create(sim, { duration: 10 }, { headers: { prefer: 'outcome=failed' } });
    expect(wallet(sim).balance_cents).toBe(900);
    clock.tick(60_000);
    expect(wallet(sim)).toMatchObject({ balance_cents: 1000, refunded_cents: 100 });
    create(sim, { duration: 1 });
    expect(wallet(sim)).toMatchObject({ balance_cents: 990, refunded_cents: 100 });
  });

  it('keeps wallets apart per key', () => {
    const sim = createSimulation({ creditsCents: 50, now: virtualClock().now });
    expect(create(sim, { duration: 5 }, { key: 'sk-aig-a' }).status).toBe(202);
    expect(create(sim, { duration: 5 }, { key: 'sk-aig-a' }).status).toBe(402);
    expect(create(sim, { duration: 5 }, { key: 'sk-aig-b' }).status).toBe(202);
  });

  it('lets a test empty a wallet through the control API', () => {
    const sim = createSimulation({ now: virtualClock().now });
    expect(call(sim, 'PUT', '/__mock/wallet', { body: { balance_cents: 0 } }).status).toBe(200);
    expect(create(sim).status).toBe(402);
  });
});

describe('the rate limiter', () => {
  it('answers 429 with Retry-After once a key is over its requests per minute, then lets it through after the window', () => {
    const clock = virtualClock();
    const sim = createSimulation({ rpm: 3, now: clock.now });
    const remaining = [1, 2, 3].map(() => poll(sim, 'job_x').headers['x-ratelimit-remaining-requests']);
    expect(remaining).toEqual(['2', '1', '0']);
    clock.tick(20_000);
    const limited = poll(sim, 'job_x');
    expect(limited.status).toBe(429);
    expect(limited.headers['retry-after']).toBe('40');
    expect(limited.json.error.type).toBe('rate_limit_error');
    expect(validateResponse('getJob', 429, limited.headers, limited.json)).toEqual([]);
    clock.tick(40_000);
    expect(poll(sim, 'job_x').status).toBe(404);
  });

  it('puts the rate-limit headers on every answer to a known key', () => {
    const sim = createSimulation({ now: virtualClock().now });
    const r = create(sim);
    expect(r.headers).toMatchObject({ 'x-ratelimit-limit-requests': '600', 'x-ratelimit-remaining-requests': '599' });
    expect(Number(r.headers['x-ratelimit-reset-requests'])).toBeGreaterThanOrEqual(1);
  });

  it('limits each key on its own', () => {
    const sim = createSimulation({ rpm: 1, now: virtualClock().now });
    expect(poll(sim, 'j', { key: 'sk-aig-a' }).status).toBe(404);
    expect(poll(sim, 'j', { key: 'sk-aig-a' }).status).toBe(429);
    expect(poll(sim, 'j', { key: 'sk-aig-b' }).status).toBe(404);
  });
});

describe('faults', () => {
  it('answers the next N requests of an operation for a key with the armed status, then behaves', () => {
    const sim = createSimulation({ timing: 'steps', now: virtualClock().now });
    const id = create(sim).json.id;
    const armed = call(sim, 'POST', '/__mock/faults', { body: { operation: 'getJob', status: 503, count: 2, retry_after: 1 } });
    expect(armed.status).toBe(201);
    expect(poll(sim, id, { key: 'sk-aig-other' }).status).toBe(404);
    const first = poll(sim, id);
    expect(first.status).toBe(503);
    expect(first.headers['retry-after']).toBe('1');
    expect(poll(sim, id).status).toBe(503);
    expect(create(sim).status).toBe(202);
    expect(poll(sim, id).json.status).toBe('processing');
  });

  it('breaks the socket on request, for the adapter to play', () => {
    const sim = createSimulation({ now: virtualClock().now });
    call(sim, 'POST', '/__mock/faults', { body: { operation: '*', socket: 'reset' } });
    expect(poll(sim, 'job_x').response.socketFault).toBe('reset');
    expect(poll(sim, 'job_x').response.socketFault).toBeNull();
  });

  it.each([
    ['reset', 0],
    ['empty', 0],
    ['malformed_chunk', 200],
    ['truncated', 200],
    ['malformed_json', 200],
  ] as const)('journals a %s fault with the status line the client saw (%i when none)', (socket, status) => {
    const sim = createSimulation({ now: virtualClock().now });
    call(sim, 'POST', '/__mock/faults', { body: { operation: 'getJob', socket } });
    poll(sim, 'job_x');
    expect(sim.state.journal.at(-1)).toMatchObject({ status, fault: `socket:${socket}` });
  });

  it('refuses to arm a status the operation does not document', () => {
    const r = call(sim0(), 'POST', '/__mock/faults', { body: { operation: 'getJob', status: 402 } });
    expect(r.status).toBe(400);
    expect(r.json.error.param).toBe('status');
  });

  it('replays the same seeded faults and failures for the same requests', () => {
    const run = () => {
      const sim = createSimulation({ seed: 7, faultRate: 0.3, failureRate: 0.3, timing: 'steps', now: virtualClock().now });
      return Array.from({ length: 40 }, () => {
        const r = create(sim);
        return r.status === 202 ? `${poll(sim, r.json.id).status}:${poll(sim, r.json.id).json?.status}` : String(r.status);
      });
    };
    const first = run();
    expect(run()).toEqual(first);
    expect(new Set(first).size).toBeGreaterThan(2);
  });

  it("keeps one key's seeded outcomes the same whatever another key does meanwhile", () => {
    const outcomes = (interleave: boolean) => {
      const sim = createSimulation({ seed: 3, failureRate: 0.5, timing: 'steps', now: virtualClock().now });
      return Array.from({ length: 20 }, () => {
        if (interleave) create(sim, {}, { key: 'sk-aig-noise' });
        const id = create(sim, {}, { key: 'sk-aig-me' }).json.id;
        poll(sim, id, { key: 'sk-aig-me' });
        return poll(sim, id, { key: 'sk-aig-me' }).json.status;
      });
    };
    expect(outcomes(true)).toEqual(outcomes(false));
  });
});

function sim0() {
  return createSimulation({ now: virtualClock().now });
}
