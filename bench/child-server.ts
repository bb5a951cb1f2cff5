import { spawn, type ChildProcess } from 'node:child_process';

export interface ChildServer {
  origin: string;
  child: ChildProcess;
  stop(): Promise<void>;
}

/** Stops a child and waits for it to exit (SIGKILL after a grace period). */
export function stopChild(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  return new Promise((done) => {
    if (child.exitCode !== null || child.signalCode !== null) return done();
    const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(force);
      done();
    });
    child.kill(signal);
  });
}

/**
 * Spawns `node ...args` and resolves once its output matches `ready` (whose first group is the
 * origin or a port), so a server can pick its own port (port 0) and tell us.
 */
export function spawnServer(args: readonly string[], ready: RegExp, timeoutMs = 30_000): Promise<ChildServer> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stopChild(child, 'SIGKILL');
      reject(new Error(`${args.join(' ')} did not start within ${timeoutMs} ms:\n${output}`));
    }, timeoutMs);
    const watch = (chunk: Buffer): void => {
      output += chunk.toString();
      const found = ready.exec(output)?.[1];
      if (found === undefined) return;
      clearTimeout(timer);
      child.stdout?.off('data', watch);
      child.stdout?.resume();
      child.stderr?.resume();
      const origin = /^\d+$/.test(found) ? `http://127.0.0.1:${found}` : found;
      resolve({ origin, child, stop: () => stopChild(child) });
    };
    child.stdout?.on('data', watch);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${args.join(' ')} exited with code ${String(code)}:\n${output}`));
    });
  });
}
