import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface PrismOptions {
  /** `mock` serves examples from the spec; `proxy` forwards to `upstream` and validates both ways. */
  mode: 'mock' | 'proxy';
  /** Required for `proxy`: the target's origin (Prism keeps the request's path). */
  upstream?: string;
  /** Defaults to the package's openapi/aigateway-video.yaml. */
  specPath?: string;
  /** Milliseconds to wait for Prism to listen. */
  startTimeoutMs?: number;
}

export interface RunningPrism {
  /** `http://127.0.0.1:<port>` (paths in the spec start with /v1). */
  origin: string;
  process: ChildProcess;
  /** Everything Prism printed so far (its validation messages included). */
  output: () => string;
  stop: () => Promise<void>;
}

const packageRoot = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const defaultSpecPath = (): string =>
  // src/prism -> ../.. is the package root; dist/src/prism -> ../../.. is.
  packageRoot.endsWith('dist') ? join(packageRoot, '..', 'openapi', 'aigateway-video.yaml') : join(packageRoot, 'openapi', 'aigateway-video.yaml');

/** The path of Prism's CLI script (run it with `node`). */
export function prismBin(): string {
  const require = createRequire(import.meta.url);
  let manifestPath: string;
  try {
    manifestPath = require.resolve('@stoplight/prism-cli/package.json');
  } catch {
    throw new Error('Prism is not installed: npm install --save-dev @stoplight/prism-cli@5.14.2');
  }
  const manifest = require(manifestPath) as { bin: string | Record<string, string> };
  const bin = typeof manifest.bin === 'string' ? manifest.bin : manifest.bin['prism'];
  if (bin === undefined) throw new Error('@stoplight/prism-cli has no prism bin');
  return join(dirname(manifestPath), bin);
}

/** A port that was free a moment ago (Prism cannot be told to pick one itself). */
export function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => resolvePort(port));
    });
  });
}

/** Starts `prism mock|proxy` on 127.0.0.1 and resolves once it listens. */
export async function startPrism(options: PrismOptions): Promise<RunningPrism> {
  const port = await freePort();
  const args = [prismBin(), options.mode, '-h', '127.0.0.1', '-p', String(port), options.specPath ?? defaultSpecPath()];
  if (options.mode === 'proxy') {
    if (options.upstream === undefined) throw new Error('prism proxy needs an upstream URL');
    args.push(options.upstream, '--errors=false');
  }
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const onData = (chunk: Buffer): void => {
    output += chunk.toString();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const stop = (): Promise<void> =>
    new Promise((done) => {
      if (child.exitCode !== null || child.signalCode !== null) return done();
      child.once('exit', () => done());
      child.kill('SIGTERM');
    });
  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(() => {
      void stop();
      fail(new Error(`Prism did not start within ${options.startTimeoutMs ?? 30_000} ms:\n${output}`));
    }, options.startTimeoutMs ?? 30_000);
    // Stops looking once Prism listens: searching the whole output again on every later chunk costs
    // this process time that grows with Prism's log (it skewed the benchmark, docs/benchmarks.md).
    const watch = (): void => {
      if (output.includes('Prism is listening')) {
        clearTimeout(timer);
        child.stdout?.off('data', watch);
        child.stderr?.off('data', watch);
        ready();
      }
    };
    child.stdout?.on('data', watch);
    child.stderr?.on('data', watch);
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`Prism exited with code ${String(code)}:\n${output}`));
    });
  });
  return { origin: `http://127.0.0.1:${port}`, process: child, output: () => output, stop };
}
