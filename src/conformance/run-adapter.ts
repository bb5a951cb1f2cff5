import { spawn } from 'node:child_process';
import { performance } from 'node:perf_hooks';

export interface AdapterRun {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Stopped by the runner at the scenario's timeout. */
  timedOut: boolean;
  durationMs: number;
  stdout: string;
  stderr: string;
}

const MAX_OUTPUT = 1024 * 1024;

/** Process groups of the adapters still running. */
const running = new Set<number>();
process.once('exit', () => {
  for (const pid of running) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/**
 * Runs the adapter command through the shell (so `node path/to/adapter.js` or `python -m x` work),
 * in its own process group so a timeout stops it and every child it started.
 */
export function runAdapter(command: string, env: Record<string, string>, timeoutMs: number, signal?: AbortSignal): Promise<AdapterRun> {
  const started = performance.now();
  return new Promise((done, fail) => {
    signal?.throwIfAborted();
    const child = spawn(command, { shell: true, detached: true, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      if (stdout.length < MAX_OUTPUT) stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      if (stderr.length < MAX_OUTPUT) stderr += chunk;
    });
    const stop = (): void => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stop();
    }, timeoutMs);
    // The adapter has its own process group, so the runner's end (or Ctrl-C, through `signal`) must
    // take it along: a client that never gives up would otherwise outlive the run.
    if (child.pid !== undefined) running.add(child.pid);
    signal?.addEventListener('abort', stop, { once: true });
    const settle = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', stop);
      if (child.pid !== undefined) running.delete(child.pid);
    };
    child.once('error', (error) => {
      settle();
      fail(error);
    });
    child.once('close', (exitCode, exitSignal) => {
      settle();
      done({ exitCode, signal: exitSignal, timedOut, durationMs: Math.round(performance.now() - started), stdout, stderr });
    });
  });
}
