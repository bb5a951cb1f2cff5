import { execFileSync } from 'node:child_process';
import { request } from 'node:http';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';
import { isBuilt, startServe, type ServeProcess } from './serve-process.js';

// `aigw-video serve --store redis://...` as users run it: the compiled bin, in processes of its own.

const MODEL = 'openai/sora-2-video-to-video-remix';
const FAST = ['--queued-ms', '1', '--processing-ms', '0'];

/** One request on a connection of its own (fetch would reuse one, and the cluster hands out connections, not requests). */
function send(origin: string, method: string, path: string, key: string, body?: unknown, prefer?: string): Promise<{ status: number; json: Record<string, unknown> }> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      `${origin}${path}`,
      {
        method,
        agent: false,
        headers: {
          authorization: `Bearer ${key}`,
          ...(payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)) }),
          ...(prefer === undefined ? {} : { prefer }),
        },
      },
      (res) => {
        let text = '';
        res.on('data', (c: Buffer) => (text += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

const create = async (origin: string, key: string, failed = false): Promise<string | null> => {
  try {
    const r = await send(origin, 'POST', '/v1/videos/generations', key, { model: MODEL, prompt: 'a lake at dawn', duration: 2 }, failed ? 'outcome=failed' : undefined);
    return r.status === 202 && typeof r.json['id'] === 'string' ? r.json['id'] : null;
  } catch {
    return null; // cut off by a kill: not acknowledged
  }
};

const childPids = (pid: number): number[] =>
  execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' })
    .split('\n')
    .map((l) => Number(l.trim()))
    .filter((n) => n > 0);

let redis: TestRedis;
const servers: ServeProcess[] = [];
beforeAll(async () => {
  if (!isBuilt()) throw new Error('These tests run the compiled bin: npm run build first (npm test does).');
  redis = await startTestRedis();
});
afterEach(async () => {
  // SIGTERM: `serve --workers` stops its workers before it exits.
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});
afterAll(async () => {
  await redis?.dispose();
});

describe('aigw-video serve --store redis://', () => {
  it('with --workers 2 serves on one port from two processes that share the state, and replaces a worker that dies', async () => {
    const server = await startServe(['--store', redis.url, '--store-prefix', 'workers:', '--workers', '2', ...FAST]);
    servers.push(server);
    const workers = childPids(server.child.pid as number);
    expect(workers).toHaveLength(2);
    const key = 'sk-aig-workers';
    // Each request on a new connection: the primary hands connections to the workers in turn.
    const ids = await Promise.all(Array.from({ length: 20 }, () => create(server.origin, key)));
    expect(ids.every((id) => id !== null)).toBe(true);
    const polls = await Promise.all(ids.map((id) => send(server.origin, 'GET', `/v1/jobs/${id}`, key)));
    expect(polls.map((p) => p.status)).toEqual(ids.map(() => 200));
    const wallet = await send(server.origin, 'GET', '/__mock/wallet', key);
    expect(wallet.json).toMatchObject({ spent_cents: 20 * 2 * 10 });

    process.kill(workers[0] as number, 'SIGKILL');
    let now: number[] = [];
    for (let i = 0; i < 500; i++) {
      now = childPids(server.child.pid as number);
      if (now.length === 2 && !now.includes(workers[0] as number)) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(now).toHaveLength(2);
    expect(now).not.toContain(workers[0]);
    const again = await Promise.all(ids.map((id) => send(server.origin, 'GET', `/v1/jobs/${id}`, key)));
    expect(again.map((p) => p.status)).toEqual(ids.map(() => 200));
  });

  it('loses nothing that was answered when every replica is killed mid-burst and started again', async () => {
    const prefix = ['--store', redis.url, '--store-prefix', 'restart:', ...FAST];
    for (let i = 0; i < 3; i++) servers.push(await startServe(prefix));
    const keys = ['sk-aig-restart-a', 'sk-aig-restart-b', 'sk-aig-restart-c'];
    const made: Array<{ key: string; id: string | null; failed: boolean }> = [];
    const burst = Array.from({ length: 90 }, async (_, i) => {
      const key = keys[i % 3] as string;
      const failed = i % 4 === 0;
      const id = await create((servers[i % 3] as ServeProcess).origin, key, failed);
      made.push({ key, id, failed });
    });
    // Kill every replica once a third of the burst has been answered.
    while (made.length < 30) await new Promise((r) => setTimeout(r, 5));
    await Promise.all(servers.splice(0).map((s) => s.stop('SIGKILL')));
    await Promise.all(burst);
    const answered = made.filter((m) => m.id !== null);
    expect(answered.length).toBeGreaterThanOrEqual(30);

    for (let i = 0; i < 3; i++) servers.push(await startServe(prefix));
    for (const [i, job] of answered.entries()) {
      const poll = await send((servers[i % 3] as ServeProcess).origin, 'GET', `/v1/jobs/${job.id}`, job.key);
      expect(poll.status).toBe(200);
      expect(poll.json['status']).toBe(job.failed ? 'failed' : 'completed');
    }
    // A wallet and the jobs it paid for were written together: every key's books balance.
    for (const key of keys) {
      const wallet = (await send((servers[0] as ServeProcess).origin, 'GET', '/__mock/wallet', key)).json as { balance_cents: number; spent_cents: number; refunded_cents: number };
      expect(wallet.balance_cents + wallet.spent_cents - wallet.refunded_cents).toBe(10_000);
      expect(wallet.spent_cents).toBeGreaterThanOrEqual(answered.filter((m) => m.key === key).length * 20);
      expect(wallet.balance_cents).toBeGreaterThanOrEqual(0);
    }
  });
});
