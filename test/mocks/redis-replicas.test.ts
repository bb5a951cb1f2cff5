import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startNodeHttpMockServer, type MockServerOptions, type RunningMockServer } from '../../mocks/node-http.js';
import { createRedisStore, type RedisStore } from '../../mocks/redis-store.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';
import { MODEL } from '../support/sim-call.js';

// Three replicas of the mock, each with its own Redis connection, over one redis-server: what
// several processes behind a load balancer are to Redis. Their clock is the test's (virtual).

let redis: TestRedis;
let prefixes = 0;
const replicas: RunningMockServer[] = [];
const stores: RedisStore[] = [];
beforeAll(async () => {
  redis = await startTestRedis();
});
afterEach(async () => {
  await Promise.all(replicas.splice(0).map((r) => r.close()));
  await Promise.all(stores.splice(0).map((s) => s.close()));
});
afterAll(async () => {
  await redis?.dispose();
});

const clock = { t: 1_780_000_000_000 };

async function startReplicas(count: number, options: MockServerOptions = {}, log: (line: string) => void = () => undefined): Promise<RunningMockServer[]> {
  const prefix = `replicas${prefixes++}:`;
  const started: RunningMockServer[] = [];
  for (let i = 0; i < count; i++) {
    const store = await createRedisStore(redis.url, { prefix, log });
    stores.push(store);
    const server = await startNodeHttpMockServer({ port: 0, now: () => clock.t, ...options, store });
    replicas.push(server);
    started.push(server);
  }
  return started;
}

const auth = (key: string): Record<string, string> => ({ authorization: `Bearer ${key}` });

async function createJob(origin: string, key: string, extra: Record<string, unknown> = {}): Promise<{ status: number; id: string | null; requestId: string | null }> {
  const response = await fetch(`${origin}/v1/videos/generations`, {
    method: 'POST',
    headers: { ...auth(key), 'content-type': 'application/json' },
    body: JSON.stringify({ model: MODEL, prompt: 'a lake at dawn', duration: 5, ...extra }),
  });
  const body = (await response.json()) as { id?: string };
  return { status: response.status, id: response.status === 202 ? (body.id ?? null) : null, requestId: response.headers.get('x-request-id') };
}

const poll = async (origin: string, key: string, id: string): Promise<{ status: number; body: { status?: string; error?: { code?: string } }; headers: Headers }> => {
  const response = await fetch(`${origin}/v1/jobs/${id}`, { headers: auth(key) });
  return { status: response.status, body: (await response.json()) as { status?: string }, headers: response.headers };
};

const control = async (origin: string, method: string, path: string, key: string | null, body?: unknown): Promise<Response> =>
  fetch(`${origin}/__mock/${path}`, {
    method,
    headers: { ...(key === null ? {} : auth(key)), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

/** Round-robin over the replicas, as a load balancer would. */
const spread = <T>(servers: RunningMockServer[], count: number, run: (origin: string, i: number) => Promise<T>): Promise<T[]> =>
  Promise.all(Array.from({ length: count }, (_, i) => run((servers[i % servers.length] as RunningMockServer).origin, i)));

describe('three replicas over one Redis', () => {
  it('let exactly the affordable creates through under concurrent creates, and never take a wallet below zero', async () => {
    const servers = await startReplicas(3);
    const key = 'sk-aig-replica-wallet';
    // $10 buys 20 jobs of 5 s at 10 cents a second.
    expect((await control(servers[0]!.origin, 'PUT', 'wallet', key, { balance_cents: 1000 })).status).toBe(200);
    const results = await spread(servers, 60, (origin) => createJob(origin, key));
    expect(results.filter((r) => r.status === 202)).toHaveLength(20);
    expect(results.filter((r) => r.status === 402)).toHaveLength(40);
    const wallet = (await (await control(servers[2]!.origin, 'GET', 'wallet', key)).json()) as { balance_cents: number; spent_cents: number };
    expect(wallet).toMatchObject({ balance_cents: 0, spent_cents: 1000 });
  });

  it('hold the per-key rate limit across replicas instead of multiplying it', async () => {
    const servers = await startReplicas(3, { rpm: 30 });
    const statuses = await spread(servers, 90, async (origin) => (await fetch(`${origin}/v1/jobs/job_none`, { headers: auth('sk-aig-replica-limit') })).status);
    expect(statuses.filter((s) => s === 404)).toHaveLength(30);
    expect(statuses.filter((s) => s === 429)).toHaveLength(60);
  });

  it('fire an armed fault exactly its count in total, whichever replica answers', async () => {
    const servers = await startReplicas(3);
    const key = 'sk-aig-replica-fault';
    expect((await control(servers[1]!.origin, 'POST', 'faults', key, { operation: 'getJob', status: 500, count: 7 })).status).toBe(201);
    const statuses = await spread(servers, 45, async (origin) => (await poll(origin, key, 'job_none')).status);
    expect(statuses.filter((s) => s === 500)).toHaveLength(7);
    expect(statuses.filter((s) => s === 404)).toHaveLength(38);
  });

  it('hand out job ids and request ids that are unique across replicas', async () => {
    const servers = await startReplicas(3);
    const results = await spread(servers, 150, (origin, i) => createJob(origin, `sk-aig-replica-ids-${i % 5}`));
    const ids = results.map((r) => r.id);
    expect(ids.every((id) => id !== null)).toBe(true);
    expect(new Set(ids).size).toBe(150);
    expect(new Set(results.map((r) => r.requestId)).size).toBe(150);
  });

  it('move a job created on one replica through its lifecycle once, whichever replicas poll it', async () => {
    const servers = await startReplicas(3, { timing: 'steps', steps: { processingPolls: 3 } });
    const key = 'sk-aig-replica-steps';
    const { id } = await createJob(servers[0]!.origin, key);
    // Twelve concurrent polls through three replicas: each poll of the running job counted once, so
    // exactly three see processing, and the rest completed.
    const seen = await spread(servers, 12, async (origin) => (await poll(origin, key, id as string)).body.status);
    expect(seen.filter((s) => s === 'processing')).toHaveLength(3);
    expect(seen.filter((s) => s === 'completed')).toHaveLength(9);
    const [job] = await servers[2]!.simulation.jobs({ key: await servers[2]!.simulation.fingerprint(key) });
    expect(job?.polls).toBeGreaterThanOrEqual(4);
  });

  it('share the clock: a move through one replica ends a realtime job for the others', async () => {
    const servers = await startReplicas(3);
    const key = 'sk-aig-replica-clock';
    const { id } = await createJob(servers[0]!.origin, key);
    expect((await poll(servers[1]!.origin, key, id as string)).body.status).toBe('queued');
    expect((await control(servers[1]!.origin, 'POST', 'clock', null, { advance_ms: 60_000 })).status).toBe(200);
    expect((await poll(servers[2]!.origin, key, id as string)).body.status).toBe('completed');
  });

  it('deliver a webhook event once, not once per replica', async () => {
    const received: string[] = [];
    const receiver: Server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push(body);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((ready) => receiver.listen(0, '127.0.0.1', ready));
    try {
      const servers = await startReplicas(3);
      const key = 'sk-aig-replica-hook';
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
      const made = await spread(servers, 6, (origin) => createJob(origin, key, { webhook_url: url }));
      // Every job ends; every replica's dispatcher (a timer, and a tick after each request) asks for the due events.
      clock.t += 60_000;
      for (let i = 0; received.length < made.length && i < 500; i++) {
        await Promise.all(servers.map((s) => fetch(`${s.origin}/__mock/health`)));
        await new Promise((r) => setTimeout(r, 20));
      }
      // A few more rounds of ticks on every replica: none may deliver an event again.
      for (let i = 0; i < 5; i++) {
        await Promise.all(servers.map((s) => fetch(`${s.origin}/__mock/health`)));
        await new Promise((r) => setTimeout(r, 50));
      }
      const delivered = received.map((b) => (JSON.parse(b) as { data: { job_id: string } }).data.job_id);
      expect(delivered.sort()).toEqual(made.map((m) => m.id).sort());
      expect(await servers[2]!.simulation.jobs({ pendingWebhook: true })).toEqual([]);
    } finally {
      await new Promise((done) => receiver.close(done));
    }
  });

  it('answer 503 in the envelope with Retry-After while Redis is down, say so once, and recover when it is back', async () => {
    const lines: string[] = [];
    const servers = await startReplicas(3, {}, (line) => lines.push(line));
    const key = 'sk-aig-replica-outage';
    const { id } = await createJob(servers[0]!.origin, key);
    await redis.stop();
    try {
      const during = await spread(servers, 9, (origin) => poll(origin, key, id as string));
      for (const answer of during) {
        expect(answer.status).toBe(503);
        expect(answer.headers.get('retry-after')).toBe('1');
        expect(answer.headers.get('x-request-id')).toMatch(/^req_/);
        expect(answer.body.error).toMatchObject({ code: 'store_unavailable' });
      }
      // One line per replica for the whole outage, not one per request.
      expect(lines.filter((l) => l.includes('unavailable'))).toHaveLength(3);
    } finally {
      await redis.start();
    }
    // The clients reconnect by themselves; the job created before the outage is still there.
    let after = await spread(servers, 3, (origin) => poll(origin, key, id as string));
    for (let i = 0; i < 200 && after.some((a) => a.status !== 200); i++) {
      await new Promise((r) => setTimeout(r, 50));
      after = await spread(servers, 3, (origin) => poll(origin, key, id as string));
    }
    expect(after.map((a) => a.status)).toEqual([200, 200, 200]);
    expect(lines.filter((l) => l.includes('is back'))).toHaveLength(3);
  });
});
