import { fileURLToPath } from 'node:url';
import { startPrism } from '../src/prism/start-prism.js';
import { spawnServer } from './child-server.js';

export const repoRoot = fileURLToPath(new URL('..', import.meta.url));
export const cliBin = fileURLToPath(new URL('../bin/aigw-video.js', import.meta.url));

/** A server under load, in its own process so autocannon and the server share the CPU the way they would in CI. */
export interface HttpTarget {
  name: string;
  origin: string;
  stop(): Promise<void>;
}

export type TargetName = 'aigw-video serve' | 'Express adapter' | 'prism mock' | 'minimal Express 5' | 'bare node:http';

/**
 * Our mock, as users run it (the compiled bin, on the node:http adapter), with a rate limit and wallet large enough that the
 * bench measures the request path and never the limiter's 429 or the wallet's 402.
 */
export async function startOurMock(extraArgs: readonly string[] = []): Promise<HttpTarget> {
  const server = await spawnServer(
    [cliBin, 'serve', '--port', '0', '--quiet', '--rpm', '1000000000', '--credits', '1000000', ...extraArgs],
    /API at (http:\/\/127\.0\.0\.1:\d+)\/v1/,
  );
  return { name: 'aigw-video serve', origin: server.origin, stop: server.stop };
}

export async function startPrismMock(): Promise<HttpTarget> {
  const prism = await startPrism({ mode: 'mock' });
  return { name: 'prism mock', origin: prism.origin, stop: prism.stop };
}

const tsChild = (file: string): string[] => ['--import', 'tsx', fileURLToPath(new URL(file, import.meta.url))];

export async function startMinimalExpress(): Promise<HttpTarget> {
  const server = await spawnServer(tsChild('./servers/minimal-express.ts'), /listening (\d+)/);
  return { name: 'minimal Express 5', origin: server.origin, stop: server.stop };
}

export async function startBareHttp(): Promise<HttpTarget> {
  const server = await spawnServer(tsChild('./servers/bare-http.ts'), /listening (\d+)/);
  return { name: 'bare node:http', origin: server.origin, stop: server.stop };
}

/** mocks/express.ts: the same core behind Express (the CLI serves it on node:http alone). */
export async function startExpressAdapter(): Promise<HttpTarget> {
  const server = await spawnServer(tsChild('./servers/express-adapter.ts'), /listening (\d+)/);
  return { name: 'Express adapter', origin: server.origin, stop: server.stop };
}

export const targetStarters: ReadonlyArray<{ name: TargetName; start: () => Promise<HttpTarget> }> = [
  { name: 'aigw-video serve', start: () => startOurMock() },
  { name: 'Express adapter', start: startExpressAdapter },
  { name: 'prism mock', start: startPrismMock },
  { name: 'minimal Express 5', start: startMinimalExpress },
  { name: 'bare node:http', start: startBareHttp },
];
