// Why Prism's figure depended on the harness (issue 12): the same servers under different treatments
// of their log, measured in interleaved rounds in one run. Part of `npm run bench` (BENCH_ONLY=prism).
import { spawn, type ChildProcess } from 'node:child_process';
import { loadavg } from 'node:os';
import { defaultSpecPath, freePort, prismBin } from '../src/prism/start-prism.js';
import { stopChild } from './child-server.js';
import { cpuUsOf, ownCpuUs } from './cpu-time.js';
import { existingJobId, measure } from './http-load.js';
import { startOurMock, startPrismMock, type HttpTarget } from './http-targets.js';

export interface HarnessRow {
  server: 'prism mock' | 'aigw-video serve';
  treatment: string;
  rounds: number[];
  loadAverages: number[];
  /**
   * CPU time per request, in microseconds, of the server's process and of this process (autocannon,
   * and whatever reads the server's output): what throughput would be on an idle machine, where the
   * other sessions' load does not move it.
   */
  serverCpuUs?: number[];
  harnessCpuUs?: number[];
}

/**
 * Prism with its stdout and stderr piped to this process, which reads them. `search` does what
 * `startPrism` did until this issue: keep the whole output and search all of it for the ready line
 * on every chunk, for as long as Prism runs (in the process that also runs autocannon).
 */
async function startPipedPrism(search: boolean): Promise<HttpTarget> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [prismBin(), 'mock', '-h', '127.0.0.1', '-p', String(port), defaultSpecPath()], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  await new Promise<void>((ready, fail) => {
    let listening = false;
    const onData = (chunk: Buffer): void => {
      if (search || !listening) output += chunk.toString();
      if ((search || !listening) && output.includes('Prism is listening')) {
        if (!listening) ready();
        listening = true;
        if (!search) output = '';
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', (code) => fail(new Error(`Prism exited with ${String(code)}:\n${output}`)));
  });
  return { name: 'prism mock', origin: `http://127.0.0.1:${port}`, ...(child.pid === undefined ? {} : { pid: child.pid }), stop: () => stopChild(child) };
}

/** Prism at a log level below its default, its (now short) log to a file; ready once it answers. */
async function startQuietPrism(): Promise<HttpTarget> {
  const port = await freePort();
  const child = spawn(process.execPath, [prismBin(), 'mock', '-h', '127.0.0.1', '-p', String(port), '-v', 'warn', defaultSpecPath()], { stdio: ['ignore', 'ignore', 'ignore'] });
  const origin = `http://127.0.0.1:${port}`;
  for (let waited = 0; ; waited += 100) {
    try {
      await fetch(`${origin}/v1/models`, { headers: { authorization: 'Bearer sk-aig-bench' } });
      break;
    } catch {
      if (child.exitCode !== null || waited > 60_000) throw new Error('Prism at -v warn did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return { name: 'prism mock', origin, ...(child.pid === undefined ? {} : { pid: child.pid }), stop: () => stopChild(child) };
}

/** Rotates GET /v1/jobs/{id} measurements over every treatment, round after round. */
export async function measurePrismHarness(rounds: number, seconds: number, say: (line: string) => void): Promise<HarnessRow[]> {
  const setups: Array<{ row: HarnessRow; start: () => Promise<HttpTarget> }> = [
    { row: { server: 'prism mock', treatment: 'stdout piped to the bench process, kept and searched on every chunk (npm run bench until now)', rounds: [], loadAverages: [] }, start: () => startPipedPrism(true) },
    { row: { server: 'prism mock', treatment: 'stdout piped to the bench process, read and dropped', rounds: [], loadAverages: [] }, start: () => startPipedPrism(false) },
    { row: { server: 'prism mock', treatment: 'default log level, stdout to a file (a user\'s `> prism.log`)', rounds: [], loadAverages: [] }, start: startPrismMock },
    { row: { server: 'prism mock', treatment: 'log level warn (`-v warn`), no log per request', rounds: [], loadAverages: [] }, start: startQuietPrism },
    { row: { server: 'aigw-video serve', treatment: 'default log (a line per request), stdout to a file', rounds: [], loadAverages: [] }, start: () => startOurMock() },
    { row: { server: 'aigw-video serve', treatment: '`--quiet`, no log per request (npm run bench until now)', rounds: [], loadAverages: [] }, start: () => startOurMock(['--quiet']) },
  ];
  const targets: HttpTarget[] = [];
  try {
    for (const setup of setups) targets.push(await setup.start());
    for (let round = 1; round <= rounds; round++) {
      for (const [i, setup] of setups.entries()) {
        const target = targets[i] as HttpTarget;
        const jobId = await existingJobId(target.origin);
        if (round === 1) await measure(target, 'GET /v1/jobs/{id}', jobId, 2, round, 0);
        const [serverBefore, harnessBefore] = [target.pid === undefined ? 0 : cpuUsOf(target.pid), ownCpuUs()];
        const result = await measure(target, 'GET /v1/jobs/{id}', jobId, seconds, round, 0);
        const serverCpu = target.pid === undefined ? 0 : cpuUsOf(target.pid) - serverBefore;
        const harnessCpu = ownCpuUs() - harnessBefore;
        const load = Math.round((loadavg()[0] ?? 0) * 10) / 10;
        const perRequest = (us: number): number => Math.round(us / Math.max(1, result.requests));
        setup.row.rounds.push(result.requestsPerSecond);
        setup.row.loadAverages.push(load);
        (setup.row.serverCpuUs ??= []).push(perRequest(serverCpu));
        (setup.row.harnessCpuUs ??= []).push(perRequest(harnessCpu));
        say(`  round ${round} ${setup.row.server.padEnd(17)} ${String(result.requestsPerSecond).padStart(6)} req/s  CPU/request: server ${perRequest(serverCpu)} us, harness ${perRequest(harnessCpu)} us  load ${load}  ${setup.row.treatment}`);
      }
    }
  } finally {
    await Promise.all(targets.map((t) => t.stop()));
  }
  return setups.map((s) => s.row);
}
