import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultSpecPath, freePort, prismBin } from '../src/prism/start-prism.js';
import { spawnLoggingServer } from './child-server.js';

export const repoRoot = fileURLToPath(new URL('..', import.meta.url));
export const cliBin = fileURLToPath(new URL('../bin/aigw-video.js', import.meta.url));

/** A server under load, in its own process so autocannon and the server share the CPU the way they would in CI. */
export interface HttpTarget {
  name: string;
  origin: string;
  /** The server's process, to read the CPU time it spent (all its processes, for --workers). */
  pid?: number;
  stop(): Promise<void>;
}

export type TargetName =
  | 'aigw-video serve'
  | 'serve --store redis'
  | 'serve --store redis --workers 2'
  | 'Express adapter'
  | 'prism mock'
  | 'minimal Express 5'
  | 'bare node:http';

/**
 * Every server's output goes to a log file of its own, at its default verbosity: what a user who
 * runs it with `> server.log` gets (docs/benchmarks.md, "The Prism baseline"). The files live in one
 * temporary directory, removed by `removeLogs`.
 */
const logDir = mkdtempSync(join(tmpdir(), 'aigw-bench-logs-'));
let logs = 0;
const logFile = (name: string): string => join(logDir, `${++logs}-${name.replace(/[^a-z0-9]+/gi, '-')}.log`);
export const removeLogs = (): void => rmSync(logDir, { recursive: true, force: true });

/**
 * Our mock as users run it (the compiled bin, on the node:http adapter, a log line per request),
 * with a rate limit and wallet large enough that the bench measures the request path and never the
 * limiter's 429 or the wallet's 402.
 */
export async function startOurMock(extraArgs: readonly string[] = [], name: TargetName = 'aigw-video serve'): Promise<HttpTarget> {
  const server = await spawnLoggingServer(
    [cliBin, 'serve', '--port', '0', '--rpm', '1000000000', '--credits', '1000000', ...extraArgs],
    /API at (http:\/\/127\.0\.0\.1:\d+)\/v1/,
    logFile(name),
  );
  return { name, origin: server.origin, ...pidOf(server.child.pid), stop: server.stop };
}

const pidOf = (pid: number | undefined): { pid?: number } => (pid === undefined ? {} : { pid });

/** `prism mock` of our spec at its default log level (info), its log in a file. */
export async function startPrismMock(): Promise<HttpTarget> {
  const port = await freePort();
  const server = await spawnLoggingServer([prismBin(), 'mock', '-h', '127.0.0.1', '-p', String(port), defaultSpecPath()], /Prism is listening on (http:\/\/127\.0\.0\.1:\d+)/, logFile('prism'));
  return { name: 'prism mock', origin: server.origin, ...pidOf(server.child.pid), stop: server.stop };
}

const tsChild = (file: string): string[] => ['--import', 'tsx', fileURLToPath(new URL(file, import.meta.url))];

export async function startMinimalExpress(): Promise<HttpTarget> {
  const server = await spawnLoggingServer(tsChild('./servers/minimal-express.ts'), /listening (\d+)/, logFile('minimal-express'));
  return { name: 'minimal Express 5', origin: server.origin, ...pidOf(server.child.pid), stop: server.stop };
}

export async function startBareHttp(): Promise<HttpTarget> {
  const server = await spawnLoggingServer(tsChild('./servers/bare-http.ts'), /listening (\d+)/, logFile('bare-http'));
  return { name: 'bare node:http', origin: server.origin, ...pidOf(server.child.pid), stop: server.stop };
}

/** mocks/express.ts: the same core behind Express (the CLI serves it on node:http alone; as a library it logs nothing by default). */
export async function startExpressAdapter(): Promise<HttpTarget> {
  const server = await spawnLoggingServer(tsChild('./servers/express-adapter.ts'), /listening (\d+)/, logFile('express-adapter'));
  return { name: 'Express adapter', origin: server.origin, ...pidOf(server.child.pid), stop: server.stop };
}

/** The servers of the HTTP rotation; the Redis-backed ones need the URL of a Redis the bench started. */
export function targetStarters(redisUrl: string | null): ReadonlyArray<{ name: TargetName; start: () => Promise<HttpTarget> }> {
  const redis = (name: TargetName, args: readonly string[]): Array<{ name: TargetName; start: () => Promise<HttpTarget> }> =>
    redisUrl === null ? [] : [{ name, start: () => startOurMock(['--store', redisUrl, '--store-prefix', `bench${++logs}:`, ...args], name) }];
  return [
    { name: 'aigw-video serve', start: () => startOurMock() },
    ...redis('serve --store redis', []),
    ...redis('serve --store redis --workers 2', ['--workers', '2']),
    { name: 'Express adapter', start: startExpressAdapter },
    { name: 'prism mock', start: startPrismMock },
    { name: 'minimal Express 5', start: startMinimalExpress },
    { name: 'bare node:http', start: startBareHttp },
  ];
}
