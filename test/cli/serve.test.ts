import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { namedDialects } from '../../src/contract/dialects.js';
import { freePort } from '../../src/prism/start-prism.js';
import { startTestRedis, type TestRedis } from '../support/redis-server.js';
import { main } from '../../src/cli/main.js';
import { runServe, serveOptions } from '../../src/cli/serve.js';
import type { CliIo } from '../../src/cli/cli-io.js';

function captureIo(): CliIo & { stdout: () => string; stderr: () => string } {
  let out = '';
  let err = '';
  return { out: (t) => void (out += t), err: (t) => void (err += t), env: {}, stdout: () => out, stderr: () => err };
}

describe('aigw-video serve', () => {
  it('turns its flags into server options', () => {
    expect(
      serveOptions(['--port', '0', '--timing', 'steps', '--seed', '7', '--credits', '2.5', '--rpm', '10', '--failure-rate', '0.1', '--latency', 'getJob=fixed:20', '--api-keys', 'sk-aig-a,sk-aig-b', '--webhook-secret', 'whsec_1', '--webhooks-any-host', '--quiet']),
    ).toEqual({
      port: 0,
      timing: 'steps',
      seed: 7,
      creditsCents: 250,
      rpm: 10,
      failureRate: 0.1,
      latency: { getJob: { kind: 'fixed', ms: 20 } },
      apiKeys: ['sk-aig-a', 'sk-aig-b'],
      webhooks: { secret: 'whsec_1', anyHost: true },
      log: null,
    });
    expect(serveOptions(['--store', 'redis://127.0.0.1:6379/2', '--store-prefix', 'team-a:', '--workers', '3'])).toEqual({
      store: 'redis://127.0.0.1:6379/2',
      storePrefix: 'team-a:',
      workers: 3,
    });
    expect(serveOptions(['--store', 'memory', '--workers', '1'])).toEqual({ workers: 1 });
  });

  it('takes --queued-ms and --processing-ms as a number for every job, or a distribution each job draws from', () => {
    expect(serveOptions(['--queued-ms', '500', '--processing-ms', '12.5'])).toEqual({ realtime: { queuedMs: 500, processingMsPerSecond: 12.5 } });
    expect(serveOptions(['--queued-ms', 'lognormal:1450,0.3', '--processing-ms', 'uniform:200-600'])).toEqual({
      realtime: { queuedMs: { kind: 'lognormal', medianMs: 1450, sigma: 0.3 }, processingMsPerSecond: { kind: 'uniform', minMs: 200, maxMs: 600 } },
    });
    expect(serveOptions(['--processing-ms', 'fixed:0'])).toEqual({ realtime: { processingMsPerSecond: { kind: 'fixed', ms: 0 } } });
  });

  it.each([
    [['--rpm', 'lots'], "--rpm must be an integer >= 1, not 'lots'."],
    [['--timing', 'fast'], "--timing must be one of realtime, steps, not 'fast'."],
    [['--failure-rate', '2'], "--failure-rate must be a number from 0 to 1, not '2'."],
    [['--latency', 'slow'], "--latency: 'slow' is not a latency profile"],
    [['--latency', 'fixed:'], "--latency: 'fixed:' is not a latency profile"],
    [['--queued-ms', '0'], "--queued-ms must be an integer >= 1 (ms), or a distribution fixed:MS, uniform:MIN-MAX or lognormal:MEDIAN,SIGMA; not '0'."],
    [['--queued-ms', 'soon'], "--queued-ms must be an integer >= 1 (ms), or a distribution"],
    [['--queued-ms', 'uniform:0-100'], "--queued-ms: 'uniform:0-100' needs MIN >= 1 ms."],
    [['--queued-ms', 'none'], "--queued-ms must be an integer >= 1 (ms), or a distribution"],
    [['--processing-ms', 'lognormal:700,9'], "--processing-ms: 'lognormal:700,9' has SIGMA 9; SIGMA must be from 0 to 4"],
    [['--processing-ms', 'gamma:2,3'], "--processing-ms: 'gamma:2,3' is not a distribution; use MS, fixed:MS, uniform:MIN-MAX or lognormal:MEDIAN,SIGMA."],
    [['--processing-ms', 'uniform:600-200'], "--processing-ms: 'uniform:600-200' is not a distribution"],
    [['--processing-ms', 'none:'], "--processing-ms: 'none:' is not a distribution"],
    [['--bogus'], "Unknown option '--bogus'"],
    [['--store', 'http://127.0.0.1:6379'], "--store: 'http://127.0.0.1:6379' is not a redis:// or rediss:// URL"],
    [['--store', 'redis://127.0.0.1:6379/zero'], "the database must be a number (redis://host:6379/0), not 'zero'"],
    [['--store', 'redis://127.0.0.1:6379/0', '--state-file', 'state.jsonl'], '--state-file keeps the in-memory store in a file; with --store redis://... the state is in Redis already'],
    [['--workers', '2'], '--workers 2 needs a shared store (--store redis://host:6379/0): with the in-memory store each worker would have its own jobs'],
    [['--workers', '0', '--store', 'redis://127.0.0.1:6379/0'], "--workers must be an integer from 1 to 64, not '0'."],
    [['--store-prefix', 'team-a:'], '--store-prefix names the keys of a Redis store'],
    [['--store', 'redis://127.0.0.1:6379/0', '--store-prefix', 'a b'], "--store-prefix must be 1 to 64 letters, digits or _ . : - { }, not 'a b'."],
  ])('rejects %j with a message naming the flag, and exit code 2', async (args, message) => {
    const io = captureIo();
    expect(await main(['serve', ...args], io)).toBe(2);
    expect(io.stderr()).toContain(message);
    expect(io.stderr()).toContain('aigw-video serve --help');
  });

  it('prints the base URL and a ready-to-paste curl, serves, and stops on SIGTERM', async () => {
    const io = captureIo();
    const signals = new EventEmitter();
    const done = runServe(['--port', '0', '--quiet'], io, signals);
    for (let i = 0; i < 3000 && !io.stdout().includes('curl'); i++) await new Promise((r) => setTimeout(r, 10));
    const url = /at (http:\/\/127\.0\.0\.1:\d+\/v1)/.exec(io.stdout())?.[1];
    expect(url).toBeDefined();
    expect(io.stdout()).toContain(`curl -s ${url}/videos/generations`);
    expect(io.stdout()).toContain('state: in memory, this process');
    const health = await fetch(`${url?.replace(/\/v1$/, '')}/__mock/health`);
    expect(health.status).toBe(200);
    const dashboard = /dashboard: +(http:\/\/\S+)/.exec(io.stdout())?.[1];
    expect(dashboard).toBe(`${url?.replace(/\/v1$/, '')}/__mock/ui/`);
    expect((await fetch(dashboard as string)).headers.get('content-type')).toBe('text/html; charset=utf-8');
    signals.emit('SIGTERM');
    expect(await done).toBe(0);
  });

  it.each(['SIGINT', 'SIGTERM'] as const)('has written the log line of every request it answered, in order, once stopped by %s', async (signal) => {
    const dir = mkdtempSync(join(tmpdir(), 'aigw-serve-log-'));
    const logFile = join(dir, 'server.log');
    const cli = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
    const script = `const { main } = await import(${JSON.stringify(cli)}); process.exitCode = await main(['serve', '--port', '0']);`;
    // Into a file, as `serve > server.log` writes it.
    const fd = openSync(logFile, 'w');
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', fd, fd] });
    closeSync(fd);
    const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
    try {
      let origin: string | undefined;
      for (let i = 0; i < 3000 && origin === undefined && child.exitCode === null; i++) {
        await new Promise((r) => setTimeout(r, 10));
        origin = /API at (http:\/\/127\.0\.0\.1:\d+)\/v1/.exec(readFileSync(logFile, 'utf8'))?.[1];
      }
      expect(origin).toBeDefined();
      for (let i = 0; i < 20; i++) expect((await fetch(`${origin}/v1/jobs/job_in_order_${i}`)).status).toBe(401);
      // The last burst's lines may still wait for the end of their turn when the signal comes.
      const burst = await Promise.all(Array.from({ length: 20 }, (_, i) => fetch(`${origin}/v1/jobs/job_burst_${i}`)));
      child.kill(signal);
      expect(burst.map((r) => r.status)).toEqual(Array(20).fill(401));
      expect(await exited).toBe(0);
      const log = readFileSync(logFile, 'utf8');
      const paths = [...log.matchAll(/ GET +\/v1\/jobs\/(job_\w+) 401 /g)].map((m) => m[1]);
      expect(paths.slice(0, 20)).toEqual(Array.from({ length: 20 }, (_, i) => `job_in_order_${i}`));
      expect(paths.slice(20).sort()).toEqual(Array.from({ length: 20 }, (_, i) => `job_burst_${i}`).sort());
      expect(log.endsWith('aigw-video mock stopped.\n')).toBe(true);
    } finally {
      child.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('tells the realtime schedule on start, and draws each job\'s own from a distribution', async () => {
    const io = captureIo();
    const signals = new EventEmitter();
    const done = runServe(['--port', '0', '--quiet', '--queued-ms', 'lognormal:1200,0.4', '--processing-ms', '300'], io, signals);
    for (let i = 0; i < 3000 && !io.stdout().includes('curl'); i++) await new Promise((r) => setTimeout(r, 10));
    expect(io.stdout()).toContain('jobs: queued lognormal:1200,0.4 ms, then processing 300 ms per video second (each job draws its own, from the seed)');
    const origin = /at (http:\/\/127\.0\.0\.1:\d+)\/v1/.exec(io.stdout())?.[1];
    const headers = { authorization: 'Bearer sk-aig-banner', 'content-type': 'application/json' };
    const body = JSON.stringify({ model: 'openai/sora-2-video-to-video-remix', prompt: 'a lake', duration: 2 });
    for (let i = 0; i < 4; i++) expect((await fetch(`${origin}/v1/videos/generations`, { method: 'POST', headers, body })).status).toBe(202);
    // Once done, each job's last change is its own queued time, then 2 x 300 ms, after its create.
    expect((await fetch(`${origin}/__mock/clock`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ advance_ms: 600_000 }) })).status).toBe(200);
    const page = (await (await fetch(`${origin}/__mock/jobs`)).json()) as { jobs: { status: string; created: number; updated: number }[] };
    expect(page.jobs.map((j) => j.status)).toEqual(['completed', 'completed', 'completed', 'completed']);
    const queued = page.jobs.map((j) => j.updated - j.created - 600);
    expect(new Set(queued).size).toBe(4);
    for (const q of queued) expect(q).toBeGreaterThanOrEqual(1);
    signals.emit('SIGTERM');
    expect(await done).toBe(0);
  });

  it('plays the dialect --dialect names, overrides included, and tells it on start', async () => {
    const io = captureIo();
    const signals = new EventEmitter();
    const done = runServe(['--port', '0', '--quiet', '--dialect', 'docs,fast-poll=none'], io, signals);
    for (let i = 0; i < 3000 && !io.stdout().includes('curl'); i++) await new Promise((r) => setTimeout(r, 10));
    expect(io.stdout()).toContain('dialect docs,fast-poll=none: create-status=202, time-fields=none, result-location=result.file_url');
    const origin = /at (http:\/\/127\.0\.0\.1:\d+)\/v1/.exec(io.stdout())?.[1];
    const health = (await (await fetch(`${origin}/__mock/health`)).json()) as { dialect: unknown };
    expect(health.dialect).toEqual({ name: 'docs,fast-poll=none', choices: { ...namedDialects.docs.choices, 'fast-poll': 'none' } });
    const unauthorized = (await (await fetch(`${origin}/v1/jobs/job_x`)).json()) as { error: { type: string } };
    expect(unauthorized.error.type).toBe('invalid_key');
    signals.emit('SIGTERM');
    expect(await done).toBe(0);
  });

  it.each([
    ['docs,fast-poll=sometimes', "--dialect docs,fast-poll=sometimes: fast-poll=sometimes: 'sometimes' is not a choice of fast-poll; choices: 304, none."],
    ['docs,speed=fast', "'speed' is not a dialect point; points: create-status, time-fields, result-location, statuses, error-types, cancel, fast-poll, failed-error."],
    ['klingon', "'klingon' is not a dialect; named dialects: union, model-page, node-sdk, docs, published-spec."],
  ])('refuses --dialect %j naming the point and the valid choices, with exit code 2', async (dialect, message) => {
    const io = captureIo();
    expect(await main(['serve', '--dialect', dialect], io)).toBe(2);
    expect(io.stderr()).toContain(message);
  });
});

describe('aigw-video serve --models', () => {
  const dir = mkdtempSync(join(tmpdir(), 'aigw-models-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, content: unknown): string => {
    const path = join(dir, name);
    writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
  };
  const veo = { id: 'google/veo-3', object: 'model', owned_by: 'google', modality: 'video', pricing: { per_second_usd: 0.75 } };

  it('serves the models of the file, creates with them at their price, and lists the rest of what it says', async () => {
    const chat = { id: 'openai/gpt-4o', object: 'model', owned_by: 'openai', modality: 'chat' };
    const path = file('good.json', { object: 'list', data: [veo, chat] });
    const io = captureIo();
    const signals = new EventEmitter();
    const done = runServe(['--port', '0', '--quiet', '--models', path], io, signals);
    for (let i = 0; i < 3000 && !io.stdout().includes('curl'); i++) await new Promise((r) => setTimeout(r, 10));
    expect(io.stdout()).toContain('models: google/veo-3 ($0.750/s)');
    const url = /at (http:\/\/127\.0\.0\.1:\d+\/v1)/.exec(io.stdout())?.[1] ?? '';
    const auth = { authorization: 'Bearer sk-aig-models' };
    const models = (await (await fetch(`${url}/models`, { headers: auth })).json()) as { data: unknown[] };
    expect(models.data).toEqual([veo, chat]);
    const created = await fetch(`${url}/videos/generations`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'google/veo-3', prompt: 'p', duration: 4 }) });
    expect(created.status).toBe(202);
    const wallet = (await (await fetch(`${url.replace(/\/v1$/, '')}/__mock/wallet`, { headers: auth })).json()) as { spent_cents: number };
    expect(wallet.spent_cents).toBe(300);
    const chatCreate = await fetch(`${url}/videos/generations`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ model: 'openai/gpt-4o', prompt: 'p' }) });
    expect(chatCreate.status).toBe(404);
    signals.emit('SIGTERM');
    expect(await done).toBe(0);
  });

  it.each([
    ['a file that is not there', () => join(dir, 'missing.json'), /--models .*missing\.json: cannot be read \(ENOENT\)/],
    ['a file that is not JSON', () => file('broken.json', '{"object": "list", data'), /--models .*broken\.json: is not JSON/],
    ['an entry without an id', () => file('no-id.json', { object: 'list', data: [{ object: 'model', owned_by: 'x' }] }), /--models .*no-id\.json: data\[0\]: id: is required/],
    ['a video model without a price', () => file('no-price.json', [{ ...veo, pricing: {} }]), /--models .*no-price\.json: data\[0\] \(google\/veo-3\): pricing\.per_second_usd: is required for a video model/],
    ['a negative price', () => file('negative.json', [{ ...veo, pricing: { per_second_usd: -1 } }]), /data\[0\] \(google\/veo-3\): pricing\.per_second_usd: must be >= 0/],
    ['the same id twice', () => file('twice.json', [veo, veo]), /data\[1\] \(google\/veo-3\): id: is listed twice/],
    ['no video model at all', () => file('chat-only.json', [{ id: 'a/b', object: 'model', owned_by: 'a', modality: 'chat' }]), /chat-only\.json: data: lists no video model/],
  ])('refuses %s, naming the file, the entry and the field, with exit code 2', async (_what, path, message) => {
    const io = captureIo();
    expect(await main(['serve', '--models', path()], io)).toBe(2);
    expect(io.stderr()).toMatch(message);
  });
});

describe('aigw-video serve and Redis', () => {
  /** Starts `serve` in a child process and answers how many of ioredis's modules it loaded. */
  const ioredisModulesLoaded = (args: string[]): Promise<number> =>
    new Promise((resolve, reject) => {
      const serve = fileURLToPath(new URL('../../src/cli/serve.ts', import.meta.url));
      const script = `
        import { createRequire } from 'node:module';
        import { EventEmitter } from 'node:events';
        const { runServe } = await import(${JSON.stringify(serve)});
        const signals = new EventEmitter();
        let out = '';
        const io = { out: (t) => { out += t; if (out.includes('Try it')) { const loaded = Object.keys(createRequire(import.meta.url).cache).filter((k) => k.includes('/node_modules/ioredis/')).length; process.stdout.write('ioredis modules: ' + loaded + '\\n'); setImmediate(() => signals.emit('SIGTERM')); } }, err: (t) => process.stderr.write(t), env: {} };
        await runServe(${JSON.stringify(args)}, io, signals);
      `;
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
      let output = '';
      child.stdout.on('data', (c: Buffer) => (output += c.toString()));
      child.stderr.on('data', (c: Buffer) => (output += c.toString()));
      // Should it hang, it is stopped anyway (and the missing line fails the test).
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      child.on('error', reject);
      child.on('exit', () => {
        clearTimeout(timer);
        const found = /ioredis modules: (\d+)/.exec(output)?.[1];
        if (found === undefined) reject(new Error(`serve did not start:\n${output}`));
        else resolve(Number(found));
      });
    });

  let redis: TestRedis;
  beforeAll(async () => {
    redis = await startTestRedis();
  });
  afterAll(async () => {
    await redis?.dispose();
  });

  it('says where the state lives in its banner and keeps it in Redis', async () => {
    const io = captureIo();
    const signals = new EventEmitter();
    const done = runServe(['--port', '0', '--quiet', '--store', redis.url, '--store-prefix', 'cli:'], io, signals);
    for (let i = 0; i < 3000 && !io.stdout().includes('curl'); i++) await new Promise((r) => setTimeout(r, 10));
    expect(io.stdout()).toContain(`state: Redis at ${redis.url}, keys under cli:, this process`);
    const origin = /at (http:\/\/127\.0\.0\.1:\d+)\/v1/.exec(io.stdout())?.[1] as string;
    const health = (await (await fetch(`${origin}/__mock/health`)).json()) as { status: string };
    expect(health.status).toBe('ok');
    signals.emit('SIGTERM');
    expect(await done).toBe(0);
  });

  it('exits 1 with a message naming the server when Redis does not answer', async () => {
    const io = captureIo();
    const nobody = `redis://127.0.0.1:${await freePort()}/0`;
    expect(await main(['serve', '--port', '0', '--quiet', '--store', nobody], io)).toBe(1);
    expect(io.stderr()).toContain(`Redis at ${nobody} did not answer within`);
  });

  it('never shows the password of a --store URL, not even when Redis does not answer', async () => {
    const io = captureIo();
    const port = await freePort();
    expect(await main(['serve', '--port', '0', '--quiet', '--store', `redis://:s3cret-pass@127.0.0.1:${port}/0`], io)).toBe(1);
    expect(io.stderr()).toContain(`Redis at redis://:***@127.0.0.1:${port}/0 did not answer within`);
    expect(io.stdout() + io.stderr()).not.toContain('s3cret-pass');
  });

  it('never loads the Redis client (and loads it when --store names Redis)', async () => {
    expect(await ioredisModulesLoaded(['--port', '0', '--quiet'])).toBe(0);
    expect(await ioredisModulesLoaded(['--port', '0', '--quiet', '--store', redis.url])).toBeGreaterThan(0);
  });
});
