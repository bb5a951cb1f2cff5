import { spawn } from 'node:child_process';

export interface Ran {
  /** null when the process was killed (a timeout) or could not start. */
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The environment of a user's shell: without what our own npm and vitest set (npm_config_local_prefix,
 * VITEST_*, FORCE_COLOR), which would steer the child, and without colours. npx never fetches from the
 * registry: a bin it runs must come from the project.
 */
export function userEnv(): NodeJS.ProcessEnv {
  const inherited = Object.entries(process.env).filter(([name]) => !/^(npm_|vitest|init_cwd$|node_options$|node_env$|force_color$)/i.test(name));
  return { ...Object.fromEntries(inherited), NO_COLOR: '1', npm_config_yes: 'false' };
}

/** Runs a command to its end (killed after `timeoutMs`); never rejects. */
export function runCommand(command: string, args: readonly string[], cwd: string, timeoutMs: number): Promise<Ran> {
  return new Promise((done) => {
    const child = spawn(command, args, { cwd, env: userEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      done({ code: null, stdout, stderr: `${stderr}${error.message}` });
    });
    child.once('close', (code) => {
      clearTimeout(timer);
      done({ code, stdout, stderr });
    });
  });
}

export const shown = (ran: Ran): string => `exit ${ran.code}\n--- stdout\n${ran.stdout}\n--- stderr\n${ran.stderr}`;

/** Runs a command; rejects, with what it printed, unless it exits 0. */
export async function succeed(command: string, args: readonly string[], cwd: string, timeoutMs: number): Promise<Ran> {
  const ran = await runCommand(command, args, cwd, timeoutMs);
  if (ran.code !== 0) throw new Error(`${command} ${args.join(' ')} failed in ${cwd}: ${shown(ran)}`);
  return ran;
}
