import { spawn } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
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

  it.each([
    [['--rpm', 'lots'], "--rpm must be an integer >= 1, not 'lots'."],
    [['--timing', 'fast'], "--timing must be one of realtime, steps, not 'fast'."],
    [['--failure-rate', '2'], "--failure-rate must be a number from 0 to 1, not '2'."],
    [['--latency', 'slow'], "--latency: 'slow' is not a latency profile"],
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
    for (let i = 0; i < 200 && !io.stdout().includes('curl'); i++) await new Promise((r) => setTimeout(r, 10));
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
    for (let i = 0; i < 500 && !io.stdout().includes('curl'); i++) await new Promise((r) => setTimeout(r, 10));
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

  it('never loads the Redis client (and loads it when --store names Redis)', async () => {
    expect(await ioredisModulesLoaded(['--port', '0', '--quiet'])).toBe(0);
    expect(await ioredisModulesLoaded(['--port', '0', '--quiet', '--store', redis.url])).toBeGreaterThan(0);
  });
});
