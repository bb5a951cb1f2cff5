// `npm run bench`: every measurement of docs/benchmarks.md in one run, side by side on this machine.
// Settings: BENCH_SECONDS (per autocannon run, default 3), BENCH_ROUNDS (interleaved, default 4),
// BENCH_CREATES (memory bench, default 1000000), BENCH_ONLY (comma list: http,prism,replicas,cold,inproc,memory,dash),
// BENCH_REPLICA_SECONDS (the invariants run over three replicas, default 60),
// BENCH_RENDER=1 (only regenerate the table from bench/results.json).
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, platform, release, totalmem } from 'node:os';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { measureColdStarts, type ColdStart } from './cold-start.js';
import { measureWithDashboards, renderDashboardTable } from './dashboard-load.js';
import { existingJobId, measure, type LoadResult, type Scenario } from './http-load.js';
import { cpuUsOf, cpuUsOfAll, ownCpuUs, processTree } from './cpu-time.js';
import { removeLogs, repoRoot, targetStarters, type HttpTarget } from './http-targets.js';
import { measurePrismHarness, type HarnessRow } from './prism-harness.js';
import { measureReplicas, type ReplicaRun } from './replicas.js';
import { startTestRedis } from '../test/support/redis-server.js';
import { measureInProcess, type InProcessResult } from './in-process.js';
import { measureMemory, type MemoryRun } from './memory.js';
import { evaluateTargets, renderTable, summarize, writeDoc, type BenchResults } from './report.js';

const seconds = Number(process.env['BENCH_SECONDS'] ?? 3);
const rounds = Number(process.env['BENCH_ROUNDS'] ?? 4);
const creates = Number(process.env['BENCH_CREATES'] ?? 1_000_000);
const replicaSeconds = Number(process.env['BENCH_REPLICA_SECONDS'] ?? 60);
/** The load-test case: this many connections, for these servers. */
const LOAD_TEST_CONNECTIONS = 64;
const LOAD_TEST_TARGETS = ['serve --store redis', 'prism mock', 'aigw-video serve'];
const only = new Set((process.env['BENCH_ONLY'] ?? 'http,prism,replicas,cold,inproc,memory,dash').split(','));
const say = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/**
 * All the servers run side by side (idle ones cost nothing) and the measurements rotate through
 * them round after round, so a burst of other work on the machine hits every server alike. The
 * Redis-backed ones share one redis-server with Redis's default settings, started here.
 */
async function httpRuns(): Promise<LoadResult[]> {
  const scenarios: Scenario[] = ['GET /v1/jobs/{id}', 'POST /v1/videos/generations'];
  const results: LoadResult[] = [];
  const targets: HttpTarget[] = [];
  const redis = await startTestRedis('defaults');
  try {
    for (const { start } of targetStarters(redis.url)) targets.push(await start());
    // Every server at 10 connections; then the load-test case of issue 12 (many clients at once) for
    // the Redis-backed mock, Prism and the in-memory mock, the same connections for each.
    const cells = [
      ...targets.map((target) => ({ target, connections: 10 })),
      ...targets.filter((t) => LOAD_TEST_TARGETS.includes(t.name)).map((target) => ({ target, connections: LOAD_TEST_CONNECTIONS })),
    ];
    for (let round = 1; round <= rounds; round++) {
      for (const scenario of scenarios) {
        for (const { target, connections } of cells) {
          // A fresh job each time: the creates of the previous round pushed older ones past maxJobs.
          const jobId = await existingJobId(target.origin);
          if (round === 1) await measure(target, scenario, jobId, 2, round, 0, connections);
          // CPU time per request: what the machine's other work moves least (throughput it moves by 2x).
          const pids = target.pid === undefined ? [] : processTree(target.pid);
          const redisPid = target.name.includes('redis') ? redis.pid() : undefined;
          const before = [cpuUsOfAll(pids), redisPid === undefined ? 0 : cpuUsOf(redisPid), ownCpuUs()];
          const result = await measure(target, scenario, jobId, seconds, round, 0, connections);
          const after = [cpuUsOfAll(pids), redisPid === undefined ? 0 : cpuUsOf(redisPid), ownCpuUs()];
          const perRequest = (i: number): number => Math.round(((after[i] ?? 0) - (before[i] ?? 0)) / Math.max(1, result.requests));
          const cpu = { serverCpuUs: perRequest(0), ...(redisPid === undefined ? {} : { redisCpuUs: perRequest(1) }), clientCpuUs: perRequest(2) };
          const load = Math.round((loadavg()[0] ?? 0) * 10) / 10;
          say(
            `  round ${round} ${target.name.padEnd(32)} ${scenario.padEnd(28)} ${String(connections).padStart(3)} conn ${String(result.requestsPerSecond).padStart(6)} req/s  p50 ${result.p50Ms} ms  p99 ${result.p99Ms} ms  errors ${result.errors}  ` +
              `CPU/request ${cpu.serverCpuUs}${cpu.redisCpuUs === undefined ? '' : `+${cpu.redisCpuUs} (redis)`} us  load ${load}`,
          );
          results.push({ ...result, ...cpu, loadAverage: load });
        }
      }
    }
  } finally {
    await Promise.all(targets.map((t) => t.stop()));
    await redis.dispose();
  }
  return results;
}

/** BENCH_RENDER=1: recompute the targets and the table from bench/results.json, measuring nothing. */
function renderOnly(): void {
  const recorded = JSON.parse(readFileSync(new URL('./results.json', import.meta.url), 'utf8')) as BenchResults;
  const results: BenchResults = { ...recorded, prismHarness: recorded.prismHarness ?? [], replicas: recorded.replicas ?? null };
  results.targets = evaluateTargets(results);
  writeFileSync(new URL('./results.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
  const table = renderTable(results);
  writeDoc(fileURLToPath(new URL('../docs/benchmarks.md', import.meta.url)), table);
  process.stdout.write(`${table}\n`);
}

async function main(): Promise<void> {
  if (process.env['BENCH_RENDER'] === '1') return renderOnly();
  const started = performance.now();
  say('bench: building dist/ (the bin runs the compiled CLI)');
  execFileSync(process.execPath, [fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url)), '-p', 'tsconfig.build.json'], { cwd: repoRoot, stdio: 'inherit' });
  const machine = {
    cpu: cpus()[0]?.model.trim() ?? 'unknown',
    cores: cpus().length,
    node: process.version,
    platform: `${platform()} ${release()}`,
    memoryGb: Math.round(totalmem() / 1e9),
    // Other work on the machine moves absolute numbers; the side-by-side ratios move much less.
    loadAverageAtStart: Math.round((loadavg()[0] ?? 0) * 100) / 100,
  };
  say(`bench: ${machine.cpu}, ${machine.cores} cores, Node ${machine.node}`);

  let http: LoadResult[] = [];
  if (only.has('http')) {
    say(`bench: HTTP, 10 connections (and ${LOAD_TEST_CONNECTIONS} for ${LOAD_TEST_TARGETS.join(', ')}), ${rounds} rounds x ${seconds} s per target and scenario`);
    http = await httpRuns();
  }
  let prismHarness: HarnessRow[] = [];
  if (only.has('prism')) {
    say(`bench: the Prism baseline under each treatment of the logs, GET, ${rounds} interleaved rounds of ${seconds} s`);
    prismHarness = await measurePrismHarness(rounds, seconds, say);
  }
  let replicas: ReplicaRun | null = null;
  if (only.has('replicas')) {
    say(`bench: invariants, 200 clients over three replicas on one Redis, ${replicaSeconds} s`);
    replicas = await measureReplicas(replicaSeconds, 200, say);
    say(`  ${JSON.stringify(replicas)}`);
  }
  let coldStart: ColdStart[] = [];
  if (only.has('cold')) {
    say('bench: cold start');
    coldStart = await measureColdStarts(5);
    for (const c of coldStart) say(`  ${c.target.padEnd(18)} median ${c.medianMs} ms (${c.runsMs.join(', ')})`);
  }
  let inProcess: InProcessResult = { corePairsPerSecond: 0, mswPairsPerSecond: 0, lifecycle: { jobs: 0, requests: 0, wallMs: 0, virtualMs: 0, completed: 0 } };
  if (only.has('inproc')) {
    say('bench: in-process');
    inProcess = await measureInProcess(3);
    say(`  core ${inProcess.corePairsPerSecond} pairs/s, msw ${inProcess.mswPairsPerSecond} pairs/s, lifecycle of ${inProcess.lifecycle.jobs} jobs ${inProcess.lifecycle.wallMs} ms`);
  }
  const memory: MemoryRun[] = [];
  if (only.has('memory')) {
    for (const [label, maxJobs] of [['bound', 10_000], ['raised', creates]] as const) {
      say(`bench: memory, ${creates} creates, maxJobs ${maxJobs}`);
      const run = await measureMemory(label, creates, maxJobs, [0.1, 0.25, 0.5, 0.75, 1].map((f) => Math.round(creates * f)));
      for (const c of run.checkpoints) say(`  ${String(c.creates).padStart(8)} creates  ${String(c.jobs).padStart(8)} jobs  RSS ${c.rssMb} MB  heap ${c.heapMb} MB  (${c.seconds} s)`);
      memory.push(run);
    }
  }

  if (only.has('dash')) {
    say(`bench: the API with two dashboards open and with none, ${rounds} rounds x ${seconds} s`);
    const dashboards = await measureWithDashboards(seconds, rounds, say);
    writeFileSync(new URL('./dashboard-results.json', import.meta.url), `${JSON.stringify(dashboards, null, 2)}\n`);
    const table = renderDashboardTable(dashboards);
    writeDoc(fileURLToPath(new URL('../docs/benchmarks.md', import.meta.url)), table, 'bench-dashboards');
    process.stdout.write(`${table}\n`);
  }
  // Only now: the dashboards' part starts servers that log there too.
  removeLogs();
  // A run of the dashboards alone keeps the recorded numbers of the rest.
  const tableParts = ['http', 'prism', 'replicas', 'cold', 'inproc', 'memory'];
  const measuredParts = tableParts.filter((part) => only.has(part));
  if (measuredParts.length === 0) return;

  // With BENCH_ONLY, the parts not measured keep what the last run recorded.
  const resultsUrl = new URL('./results.json', import.meta.url);
  const last = existsSync(resultsUrl) ? (JSON.parse(readFileSync(resultsUrl, 'utf8')) as Partial<BenchResults>) : {};
  const kept = <T>(part: string, measured: T, recorded: T | undefined, empty: T): T => (only.has(part) ? measured : (recorded ?? empty));
  const httpKept = kept('http', http, last.http, []);
  const partial = {
    date: new Date().toISOString(),
    machine: { ...machine, loadAverageAtEnd: Math.round((loadavg()[0] ?? 0) * 100) / 100 },
    settings: { secondsPerRun: seconds, rounds, connections: 10, loadTestConnections: LOAD_TEST_CONNECTIONS },
    http: httpKept,
    httpSummary: summarize(httpKept),
    prismHarness: kept('prism', prismHarness, last.prismHarness, []),
    replicas: kept('replicas', replicas, last.replicas, null),
    coldStart: kept('cold', coldStart, last.coldStart, []),
    inProcess: kept('inproc', inProcess, last.inProcess, inProcess),
    memory: kept('memory', memory, last.memory, []),
    ...(measuredParts.length < tableParts.length ? { partsMeasured: measuredParts } : {}),
  };
  const results: BenchResults = { ...partial, targets: evaluateTargets(partial), totalSeconds: Math.round((performance.now() - started) / 1000) };
  writeFileSync(new URL('./results.json', import.meta.url), `${JSON.stringify(results, null, 2)}\n`);
  const table = renderTable(results);
  writeDoc(fileURLToPath(new URL('../docs/benchmarks.md', import.meta.url)), table);
  process.stdout.write(`${table}\n`);
}

main().catch((error: unknown) => {
  removeLogs();
  process.stderr.write(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
