import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';

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
 * Spawns `node ...args` with its output going to `logFile` (what a user's `> server.log` does: the
 * server writes to a file, and nobody reads a pipe of it while it runs), and resolves once the file
 * matches `ready` (whose first group is the origin or a port).
 */
export async function spawnLoggingServer(args: readonly string[], ready: RegExp, logFile: string, timeoutMs = 60_000): Promise<ChildServer> {
  const fd = openSync(logFile, 'w');
  const child = spawn(process.execPath, args, { stdio: ['ignore', fd, fd] });
  closeSync(fd);
  for (let waited = 0; ; waited += 25) {
    const found = ready.exec(readFileSync(logFile, 'utf8'))?.[1];
    if (found !== undefined) return { origin: /^\d+$/.test(found) ? `http://127.0.0.1:${found}` : found, child, stop: () => stopChild(child) };
    if (child.exitCode !== null) throw new Error(`${args.join(' ')} exited with code ${child.exitCode}:\n${readFileSync(logFile, 'utf8')}`);
    if (waited > timeoutMs) {
      await stopChild(child, 'SIGKILL');
      throw new Error(`${args.join(' ')} did not start within ${timeoutMs} ms:\n${readFileSync(logFile, 'utf8')}`);
    }
    await new Promise((r) => setTimeout(r, 25));
  }
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
