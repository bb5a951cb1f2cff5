// The invariants of a shared store under load (issue 12): 200 concurrent clients spread over three
// `aigw-video serve --store redis://...` processes for 60 s. Part of `npm run bench` (BENCH_ONLY=replicas).
import { Agent, request } from 'node:http';
import { loadavg } from 'node:os';
import { startTestRedis } from '../test/support/redis-server.js';
import { startOurMock, type HttpTarget } from './http-targets.js';

export interface ReplicaRun {
  replicas: number;
  clients: number;
  seconds: number;
  loadAverages: number[];
  requests: number;
  requestsPerSecond: number;
  creates: number;
  polls: number;
  walletRefusals: number;
  /** 429s of the ordinary keys (each client has a key of its own, at the same limit). */
  rateLimited: number;
  unaskedServerErrors: number;
  transportErrors: number;
  negativeWallets: number;
  unbalancedWallets: number;
  lostJobs: number;
  duplicatedJobs: number;
  statusRegressions: number;
  rateLimit: { rpm: number; sent: number; admitted: number; expected: number; remainingExact: boolean };
}

const MODEL = 'openai/sora-2-video-to-video-remix';
const RANK: Record<string, number> = { queued: 0, processing: 1, completed: 2, failed: 2 };
// Low enough that the probe key's clients send more than that within one window even on a loaded
// machine (the ordinary keys may meet it too on a fast one: a 429 is an answer, counted apart).
const RPM = 300;
const CREDIT_CENTS = 400;

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  json: Record<string, unknown>;
}

/**
 * One request on the client's keep-alive agent. A request sent on a kept socket that the server had
 * just closed for idleness (its keep-alive timeout, 5 s: a client's socket to one replica idles while
 * it talks to the others) never reached the server: it is sent again, once, as Node's docs advise.
 */
async function send(agent: Agent, origin: string, method: string, path: string, key: string, body?: string, prefer?: string): Promise<Answer> {
  try {
    return await sendOnce(agent, origin, method, path, key, body, prefer);
  } catch (error) {
    if ((error as { reusedSocket?: boolean }).reusedSocket !== true) throw error;
    return sendOnce(agent, origin, method, path, key, body, prefer);
  }
}

/**
 * A GET that waits out a 429 as its Retry-After says: a key the run drove past its limit is still
 * limited when the check reads its jobs, unless the run outlasted the key's one-minute window.
 */
async function sendPatiently(agent: Agent, origin: string, path: string, key: string): Promise<Answer> {
  for (let attempt = 0; ; attempt++) {
    const answer = await send(agent, origin, 'GET', path, key);
    if (answer.status !== 429 || attempt >= 3) return answer;
    await new Promise((r) => setTimeout(r, 1000 * Number(answer.headers['retry-after'] ?? 1)));
  }
}

function sendOnce(agent: Agent, origin: string, method: string, path: string, key: string, body?: string, prefer?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${origin}${path}`,
      {
        method,
        agent,
        headers: {
          authorization: `Bearer ${key}`,
          ...(body === undefined ? {} : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }),
          ...(prefer === undefined ? {} : { prefer }),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => {
          try {
            resolve({ status: res.statusCode ?? 0, headers: res.headers, json: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) });
          } catch (error) {
            reject(error as Error);
          }
        });
      },
    );
    req.on('error', (error: NodeJS.ErrnoException) => reject(Object.assign(error, { reusedSocket: req.reusedSocket && error.code === 'ECONNRESET' })));
    req.end(body);
  });
}

export async function measureReplicas(seconds: number, clients: number, say: (line: string) => void): Promise<ReplicaRun> {
  const redis = await startTestRedis('defaults');
  const replicas: HttpTarget[] = [];
  const loadAverages: number[] = [];
  try {
    const args = ['--store', redis.url, '--store-prefix', 'invariants:', '--rpm', String(RPM), '--credits', String(CREDIT_CENTS / 100), '--queued-ms', '100', '--processing-ms', '100'];
    for (let i = 0; i < 3; i++) replicas.push(await startOurMock(args, 'serve --store redis'));
    const origins = replicas.map((r) => r.origin);
    const deadline = performance.now() + seconds * 1000;
    const probeDeadline = performance.now() + Math.min(45, seconds * 0.75) * 1000;
    const sample = setInterval(() => loadAverages.push(Math.round((loadavg()[0] ?? 0) * 10) / 10), 10_000);
    let requests = 0;
    let creates = 0;
    let polls = 0;
    let walletRefusals = 0;
    let rateLimited = 0;
    let unaskedServerErrors = 0;
    let transportErrors = 0;
    let statusRegressions = 0;
    const acknowledged: Array<{ id: string; key: string; failed: boolean; costCents: number }> = [];
    const probe = { sent: 0, admitted: 0, remaining: [] as number[] };
    const probeKey = 'sk-aig-invariants-probe';
    const probeClients = Math.max(1, Math.round(clients / 10));

    const client = async (n: number): Promise<void> => {
      const agent = new Agent({ keepAlive: true, maxSockets: 1 });
      const key = `sk-aig-invariants-${n}`;
      const mine: Array<{ id: string; rank: number }> = [];
      let broke = false;
      try {
        for (let i = 0; performance.now() < deadline; i++) {
          const origin = origins[(n + i) % origins.length] as string;
          let answer: Answer;
          try {
            if (n < probeClients) {
              if (performance.now() > probeDeadline) break;
              answer = await send(agent, origin, 'GET', '/v1/jobs/job_probe', probeKey);
              probe.sent++;
              if (answer.status === 404) {
                probe.admitted++;
                probe.remaining.push(Number(answer.headers['x-ratelimit-remaining-requests']));
              }
            } else if (!broke && i % 3 === 0) {
              const failed = i % 4 === 0;
              const duration = 1 + (i % 3);
              answer = await send(agent, origin, 'POST', '/v1/videos/generations', key, JSON.stringify({ model: MODEL, prompt: 'a lake', duration }), failed ? 'outcome=failed' : undefined);
              creates++;
              if (answer.status === 202) {
                acknowledged.push({ id: String(answer.json['id']), key, failed, costCents: duration * 10 });
                mine.push({ id: String(answer.json['id']), rank: 0 });
              } else if (answer.status === 402) {
                walletRefusals++;
                broke = true;
              }
            } else {
              const job = mine[i % Math.max(1, mine.length)];
              answer = await send(agent, origin, 'GET', `/v1/jobs/${job?.id ?? 'job_none'}`, key);
              polls++;
              if (job !== undefined && answer.status === 200) {
                const rank = RANK[String(answer.json['status'])] ?? -1;
                if (rank < job.rank) statusRegressions++;
                job.rank = Math.max(job.rank, rank);
              }
            }
          } catch {
            transportErrors++;
            continue;
          }
          requests++;
          if (answer.status >= 500) unaskedServerErrors++;
          if (answer.status === 429 && n >= probeClients) rateLimited++;
        }
      } finally {
        agent.destroy();
      }
    };
    const started = performance.now();
    await Promise.all(Array.from({ length: clients }, (_, n) => client(n)));
    const elapsed = (performance.now() - started) / 1000;
    clearInterval(sample);
    say(`  ${requests} requests in ${elapsed.toFixed(1)} s; checking every job and wallet`);

    // Every job answered 202 is there once, and has ended as asked.
    await new Promise((r) => setTimeout(r, 1500));
    const agent = new Agent({ keepAlive: true, maxSockets: 8 });
    const ids = acknowledged.map((j) => j.id);
    const duplicatedJobs = ids.length - new Set(ids).size;
    let lostJobs = 0;
    for (let i = 0; i < acknowledged.length; i += 64) {
      const batch = acknowledged.slice(i, i + 64);
      const answers = await Promise.all(batch.map((j, k) => sendPatiently(agent, origins[(i + k) % 3] as string, `/v1/jobs/${j.id}`, j.key)));
      answers.forEach((a, k) => {
        const j = batch[k];
        if (a.status !== 200 || a.json['status'] !== (j?.failed ? 'failed' : 'completed')) lostJobs++;
      });
    }
    let negativeWallets = 0;
    let unbalancedWallets = 0;
    for (let n = probeClients; n < clients; n++) {
      const key = `sk-aig-invariants-${n}`;
      const wallet = (await send(agent, origins[n % 3] as string, 'GET', '/__mock/wallet', key)).json as { balance_cents: number; spent_cents: number; refunded_cents: number };
      const paid = acknowledged.filter((j) => j.key === key);
      if (wallet.balance_cents < 0) negativeWallets++;
      const spent = paid.reduce((a, j) => a + j.costCents, 0);
      const refunded = paid.filter((j) => j.failed).reduce((a, j) => a + j.costCents, 0);
      if (wallet.spent_cents !== spent || wallet.refunded_cents !== refunded || wallet.balance_cents !== CREDIT_CENTS - spent + refunded) unbalancedWallets++;
    }
    agent.destroy();
    const expected = Math.min(probe.sent, RPM);
    const remaining = [...probe.remaining].sort((a, b) => a - b);

    return {
      replicas: 3,
      clients,
      seconds,
      loadAverages,
      requests,
      requestsPerSecond: Math.round(requests / elapsed),
      creates,
      polls,
      walletRefusals,
      rateLimited,
      unaskedServerErrors,
      transportErrors,
      negativeWallets,
      unbalancedWallets,
      lostJobs,
      duplicatedJobs,
      statusRegressions,
      rateLimit: { rpm: RPM, sent: probe.sent, admitted: probe.admitted, expected, remainingExact: remaining.length === expected && remaining.every((v, i) => v === RPM - expected + i) },
    };
  } finally {
    await Promise.all(replicas.map((r) => r.stop()));
    await redis.dispose();
  }
}
