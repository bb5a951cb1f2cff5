import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../src/prism/start-prism.js';

const bin = fileURLToPath(new URL('../../bin/aigw-video.js', import.meta.url));
const built = fileURLToPath(new URL('../../dist/src/cli/main.js', import.meta.url));

/** `aigw-video serve` as users run it: the compiled bin in its own process, on 127.0.0.1. */
export interface ServeProcess {
  origin: string;
  port: number;
  child: ChildProcess;
  /** Resident set size of the server process, in MB (from /proc). */
  rssMb(): number;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export const isBuilt = (): boolean => existsSync(built);

export async function startServe(args: readonly string[], port?: number): Promise<ServeProcess> {
  const chosen = port ?? (await freePort());
  const child = spawn(process.execPath, [bin, 'serve', '--port', String(chosen), '--quiet', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString()));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString()));
  const origin = `http://127.0.0.1:${chosen}`;
  for (let waited = 0; ; waited += 20) {
    if (child.exitCode !== null) throw new Error(`aigw-video serve exited with ${child.exitCode}:\n${output}`);
    if (waited > 30_000) throw new Error(`aigw-video serve did not answer within 30 s:\n${output}`);
    try {
      if ((await fetch(`${origin}/__mock/health`)).ok) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    origin,
    port: chosen,
    child,
    rssMb() {
      const status = readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN);
      return Math.round(kb / 102.4) / 10;
    },
    stop(signal: NodeJS.Signals = 'SIGTERM') {
      return new Promise((done) => {
        if (child.exitCode !== null || child.signalCode !== null) return done();
        child.once('exit', () => done());
        child.kill(signal);
      });
    },
  };
}
