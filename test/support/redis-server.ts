import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/prism/start-prism.js';

/** A redis-server of the test's own: a free port on 127.0.0.1, a temporary directory, the append-only file on. */
export interface TestRedis {
  url: string;
  port: number;
  /** Stops the server (it writes its data first, as a clean shutdown does). */
  stop(): Promise<void>;
  /** Starts it again on the same port and directory: what it kept is back. */
  start(): Promise<void>;
  /** Stops it for good and removes its directory. */
  dispose(): Promise<void>;
  /** The server's process id while it runs (the bench reads its CPU time). */
  pid(): number | undefined;
}

const binary = process.env['REDIS_SERVER'] ?? 'redis-server';

function ping(port: number): Promise<boolean> {
  return new Promise((answer) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let reply = '';
    socket.setTimeout(1000, () => socket.destroy());
    socket.on('connect', () => socket.write('PING\r\n'));
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) {
        socket.destroy();
        answer(reply.startsWith('+PONG'));
      }
    });
    socket.on('error', () => answer(false));
    socket.on('close', () => answer(false));
  });
}

/** How the server keeps its data: every write in the append-only file (tests), or Redis's own defaults (the bench). */
export type RedisPersistence = 'every-write' | 'defaults';

/** Starts a redis-server (Debian's package: `apt-get install redis-server`; `.ci/run` installs it). */
export async function startTestRedis(persistence: RedisPersistence = 'every-write'): Promise<TestRedis> {
  if (spawnSync(binary, ['--version']).error !== undefined) {
    throw new Error(`${binary} is not installed: apt-get install -y redis-server (the Redis store's tests run against the real server)`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'aigw-redis-'));
  const port = await freePort();
  let child: ChildProcess | null = null;
  let output = '';

  const start = async (): Promise<void> => {
    output = '';
    const keep = persistence === 'every-write' ? ['--save', '', '--appendonly', 'yes', '--appendfsync', 'always'] : [];
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, ...keep, '--daemonize', 'no', '--protected-mode', 'yes', '--loglevel', 'warning'];
    const started = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    child = started;
    // Should the test process die without its afterAll, the server goes with it.
    const orphan = (): void => void started.kill('SIGKILL');
    process.once('exit', orphan);
    started.once('exit', () => process.off('exit', orphan));
    started.stdout?.on('data', (c: Buffer) => (output += c.toString()));
    started.stderr?.on('data', (c: Buffer) => (output += c.toString()));
    for (let waited = 0; !(await ping(port)); waited += 20) {
      if (started.exitCode !== null) throw new Error(`redis-server exited with ${started.exitCode}:\n${output}`);
      if (waited > 20_000) throw new Error(`redis-server did not answer within 20 s:\n${output}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  const stop = (): Promise<void> =>
    new Promise((done) => {
      const running = child;
      child = null;
      if (running === null || running.exitCode !== null || running.signalCode !== null) return done();
      const force = setTimeout(() => running.kill('SIGKILL'), 10_000);
      running.once('exit', () => {
        clearTimeout(force);
        done();
      });
      running.kill('SIGTERM');
    });

  await start();
  return {
    url: `redis://127.0.0.1:${port}/0`,
    port,
    stop,
    start,
    pid: () => (child as ChildProcess | null)?.pid,
    async dispose() {
      await stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
