import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isBuilt, startServe, type ServeProcess } from './serve-process.js';

// Jobs end 1 ms after they are created, so every status read before the kill is final.
const FAST = ['--queued-ms', '1', '--processing-ms', '0'];
const MODEL = 'openai/sora-2-video-to-video-remix';
const RANK: Record<string, number> = { queued: 0, processing: 1, completed: 2, failed: 2 };

interface Wallet {
  balance_cents: number;
  spent_cents: number;
  refunded_cents: number;
}

const auth = (key: string) => ({ authorization: `Bearer ${key}` });

async function create(origin: string, key: string, failed: boolean): Promise<string | null> {
  try {
    const response = await fetch(`${origin}/v1/videos/generations`, {
      method: 'POST',
      headers: { ...auth(key), 'content-type': 'application/json', ...(failed ? { prefer: 'outcome=failed' } : {}) },
      body: JSON.stringify({ model: MODEL, prompt: 'a lake at dawn', duration: 1 + (key.length % 3) }),
    });
    const body = (await response.json()) as { id?: string };
    return response.status === 202 && typeof body.id === 'string' ? body.id : null;
  } catch {
    return null; // cut off by the kill
  }
}

const poll = async (origin: string, key: string, id: string): Promise<{ status: number; job: { status?: string } }> => {
  const response = await fetch(`${origin}/v1/jobs/${id}`, { headers: auth(key) });
  return { status: response.status, job: (await response.json()) as { status?: string } };
};

const wallet = async (origin: string, key: string): Promise<Wallet> =>
  (await (await fetch(`${origin}/__mock/wallet`, { headers: auth(key) })).json()) as Wallet;

describe.skipIf(!isBuilt())('aigw-video serve --state-file after kill -9', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aigw-kill-'));
  const stateFile = join(dir, 'state.jsonl');
  let server: ServeProcess | null = null;
  afterAll(async () => {
    await server?.stop('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every answered job with a consistent status, and every wallet, across a kill -9 mid-run', async () => {
    server = await startServe(['--state-file', stateFile, ...FAST]);
    const { origin } = server;
    const settledKeys = ['sk-aig-kill-a', 'sk-aig-kill-b', 'sk-aig-kill-c'];
    const jobs = new Map<string, { key: string; failed: boolean; status: string }>();

    // Concurrent creates on three keys, a third of them asked to fail.
    const made = await Promise.all(
      Array.from({ length: 60 }, async (_, i) => {
        const key = settledKeys[i % 3] as string;
        const failed = i % 3 === 0 || i % 7 === 0;
        return { id: await create(origin, key, failed), key, failed };
      }),
    );
    for (const { id, key, failed } of made) {
      expect(id).not.toBeNull();
      jobs.set(id as string, { key, failed, status: 'queued' });
    }
    await new Promise((r) => setTimeout(r, 20));
    // Every job polled once: statuses are final and the failed ones refunded.
    for (const [id, job] of jobs) {
      const { status, job: body } = await poll(origin, job.key, id);
      expect(status).toBe(200);
      job.status = body.status ?? '';
    }
    const walletsBefore = Object.fromEntries(await Promise.all(settledKeys.map(async (k) => [k, await wallet(origin, k)] as const)));

    // Mid-run: a burst of creates and polls on another key, killed while requests are in flight.
    const burstKey = 'sk-aig-kill-burst';
    const answered: string[] = [];
    let sent = 0;
    const burst = Array.from({ length: 20 }, async () => {
      for (let i = 0; i < 200; i++) {
        sent++;
        const id = await create(origin, burstKey, false);
        if (id === null) return;
        answered.push(id);
      }
    });
    while (answered.length < 40) await new Promise((r) => setTimeout(r, 5));
    await server.stop('SIGKILL');
    await Promise.all(burst);

    server = await startServe(['--state-file', stateFile, ...FAST]);
    const restarted = server.origin;
    // Wallets first, before any poll could settle anything.
    for (const key of settledKeys) expect(await wallet(restarted, key)).toEqual(walletsBefore[key]);
    for (const [id, job] of jobs) {
      const { status, job: body } = await poll(restarted, job.key, id);
      expect(status).toBe(200);
      expect(body.status).toBe(job.status);
      expect(body.status).toBe(job.failed ? 'failed' : 'completed');
      expect(RANK[body.status ?? '']).toBe(2);
    }
    for (const key of settledKeys) expect(await wallet(restarted, key)).toEqual(walletsBefore[key]);

    // The burst: every create that was answered is still there; the wallet adds up.
    for (const id of answered) expect((await poll(restarted, burstKey, id)).status).toBe(200);
    const burstWallet = await wallet(restarted, burstKey);
    const price = 10 * (1 + (burstKey.length % 3));
    expect(burstWallet.spent_cents).toBeGreaterThanOrEqual(answered.length * price);
    expect(burstWallet.spent_cents).toBeLessThanOrEqual(sent * price);
    expect(burstWallet.balance_cents + burstWallet.spent_cents - burstWallet.refunded_cents).toBe(10_000);
    process.stdout.write(`kill -9: ${jobs.size} settled jobs and ${answered.length} of ${sent} burst creates answered before the kill, all restored\n`);
  });
});
