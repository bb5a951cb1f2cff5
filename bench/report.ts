import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import type { ColdStart } from './cold-start.js';
import type { LoadResult, Scenario } from './http-load.js';
import type { InProcessResult } from './in-process.js';
import type { MemoryRun } from './memory.js';
import type { HarnessRow } from './prism-harness.js';
import type { ReplicaRun } from './replicas.js';

export interface Machine {
  cpu: string;
  cores: number;
  node: string;
  platform: string;
  memoryGb: number;
  loadAverageAtStart: number;
  loadAverageAtEnd: number;
}

export interface HttpSummary {
  target: string;
  scenario: Scenario;
  connections: number;
  /** Median CPU µs per request of the server's processes, and of the Redis server behind them. */
  serverCpuUs?: number;
  redisCpuUs?: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  errors: number;
}

export interface Target {
  name: string;
  measured: string;
  goal: string;
  /** null: measured and reported, with no goal to meet. */
  met: boolean | null;
}

export interface BenchResults {
  date: string;
  machine: Machine;
  /** connections: every server's; loadTestConnections: the load-test case's, for a few of them. */
  settings: { secondsPerRun: number; rounds: number; connections: number; loadTestConnections?: number };
  http: LoadResult[];
  httpSummary: HttpSummary[];
  prismHarness: HarnessRow[];
  replicas: ReplicaRun | null;
  coldStart: ColdStart[];
  inProcess: InProcessResult;
  memory: MemoryRun[];
  targets: Target[];
  totalSeconds: number;
  /** Set when a run measured only these parts (BENCH_ONLY) and kept the others from the run before. */
  partsMeasured?: string[];
}

/** The median: one round disturbed by other work on the machine does not move it. */
const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};

/** The connections a run had (runs recorded before they varied had 10). */
const connectionsOf = (run: LoadResult): number => run.connections ?? 10;

/** The median of the rounds of each target, scenario and number of connections (the rounds were interleaved). */
export function summarize(runs: readonly LoadResult[]): HttpSummary[] {
  const out: HttpSummary[] = [];
  for (const run of runs) {
    const connections = connectionsOf(run);
    if (out.some((s) => s.target === run.target && s.scenario === run.scenario && s.connections === connections)) continue;
    const same = runs.filter((r) => r.target === run.target && r.scenario === run.scenario && connectionsOf(r) === connections);
    out.push({
      target: run.target,
      scenario: run.scenario,
      connections,
      requestsPerSecond: Math.round(median(same.map((r) => r.requestsPerSecond))),
      ...(same.every((r) => r.serverCpuUs !== undefined) ? { serverCpuUs: Math.round(median(same.map((r) => r.serverCpuUs ?? 0))) } : {}),
      ...(same.every((r) => r.redisCpuUs !== undefined) ? { redisCpuUs: Math.round(median(same.map((r) => r.redisCpuUs ?? 0))) } : {}),
      p50Ms: Math.round(median(same.map((r) => r.p50Ms)) * 100) / 100,
      p99Ms: Math.round(median(same.map((r) => r.p99Ms)) * 100) / 100,
      requests: same.reduce((a, r) => a + r.requests, 0),
      errors: same.reduce((a, r) => a + r.errors, 0),
    });
  }
  return out;
}

const ratio = (a: number, b: number): number => (b === 0 ? Number.POSITIVE_INFINITY : Math.round((a / b) * 100) / 100);

export function evaluateTargets(r: Omit<BenchResults, 'targets' | 'totalSeconds'>): Target[] {
  const get: Scenario = 'GET /v1/jobs/{id}';
  // Ratios are taken round by round (the servers of a round ran within seconds of each other, under
  // the same outside load) and the median of those is reported.
  const perRound = (a: string, b: string, scenario: Scenario = get, connections = 10): number[] => {
    const rounds = [...new Set(r.http.map((x) => x.round))];
    const ratios = rounds.flatMap((round) => {
      const rpsOf = (t: string): number | undefined =>
        r.http.find((x) => x.target === t && x.scenario === scenario && x.round === round && connectionsOf(x) === connections)?.requestsPerSecond;
      const [x, y] = [rpsOf(a), rpsOf(b)];
      return x === undefined || y === undefined || y === 0 ? [] : [Math.round((x / y) * 100) / 100];
    });
    return ratios;
  };
  const pairedRatio = (a: string, b: string, scenario: Scenario = get, connections = 10): number => Math.round(median(perRound(a, b, scenario, connections)) * 100) / 100;
  const rounds = (a: string, b: string, scenario: Scenario = get, connections = 10): string => ` (rounds: ${perRound(a, b, scenario, connections).join(', ')})`;
  const ours = ['aigw-video serve', 'Express adapter', 'serve --store redis', 'serve --store redis --workers 2'];
  const ourErrors = r.httpSummary.filter((s) => ours.includes(s.target)).reduce((a, s) => a + s.errors, 0);
  const post: Scenario = 'POST /v1/videos/generations';
  const redisGet = pairedRatio('serve --store redis', 'prism mock');
  const redisPost = pairedRatio('serve --store redis', 'prism mock', post);
  const twoVsOne = pairedRatio('serve --store redis --workers 2', 'serve --store redis');
  const twoVsOnePost = pairedRatio('serve --store redis --workers 2', 'serve --store redis', post);
  // CPU per request (the Redis server's included for the Redis-backed mock): Prism's over ours.
  const cpuOf = (t: string, scenario: Scenario, connections: number): number | undefined => {
    const s = r.httpSummary.find((x) => x.target === t && x.scenario === scenario && (x.connections ?? 10) === connections);
    return s?.serverCpuUs === undefined ? undefined : s.serverCpuUs + (s.redisCpuUs ?? 0);
  };
  const loadTest = r.settings.loadTestConnections;
  const cpuTargets: Target[] = ([get, post] as const).flatMap((scenario) => {
    const [ours, prism] = [cpuOf('serve --store redis', scenario, 10), cpuOf('prism mock', scenario, 10)];
    if (ours === undefined || prism === undefined || ours === 0) return [];
    const times = Math.round((prism / ours) * 10) / 10;
    const [oursLoad, prismLoad] = loadTest === undefined ? [undefined, undefined] : [cpuOf('serve --store redis', scenario, loadTest), cpuOf('prism mock', scenario, loadTest)];
    const atLoad = oursLoad === undefined || prismLoad === undefined || oursLoad === 0 ? '' : `; at ${loadTest} connections ${prismLoad} µs / ${oursLoad} µs = ${Math.round((prismLoad / oursLoad) * 10) / 10}x`;
    return [{ name: `${scenario === get ? 'GET job' : 'create'}: Prism's CPU per request / serve --store redis's (its Redis server's included), 10 connections`, measured: `${prism} µs / ${ours} µs = ${times}x${atLoad}`, goal: '>= 5x', met: times >= 5 }];
  });
  // The load-test case of issue 12: many clients at once, the same number for each server.
  const loadTestTargets: Target[] =
    loadTest === undefined
      ? []
      : ([get, post] as const).flatMap((scenario) => {
          const times = pairedRatio('serve --store redis', 'prism mock', scenario, loadTest);
          if (Number.isNaN(times) || perRound('serve --store redis', 'prism mock', scenario, loadTest).length === 0) return [];
          return [
            {
              name: `${scenario === get ? 'GET job' : 'create'}: serve --store redis (one process) / Prism, throughput at ${loadTest} connections (a load test)`,
              measured: `${times}x${rounds('serve --store redis', 'prism mock', scenario, loadTest)}`,
              goal: '>= 5x',
              met: times >= 5,
            },
          ];
        });
  const inv = r.replicas;
  const invariantTargets: Target[] =
    inv === null
      ? []
      : [
          {
            name: `invariants under load: ${inv.clients} clients over ${inv.replicas} replicas on one Redis, ${inv.seconds} s`,
            measured:
              `${inv.requests.toLocaleString('en-US')} requests; negative wallets ${inv.negativeWallets}, unbalanced ${inv.unbalancedWallets}, lost jobs ${inv.lostJobs}, duplicated ${inv.duplicatedJobs}, ` +
              `statuses moving back ${inv.statusRegressions}, rate limit ${inv.rateLimit.admitted} admitted of ${inv.rateLimit.sent} (expected ${inv.rateLimit.expected}${inv.rateLimit.remainingExact ? ', each remaining count once' : ', remaining counts NOT each once'}), unasked 5xx ${inv.unaskedServerErrors}, transport errors ${inv.transportErrors}`,
            goal: 'all 0, rate limit exact',
            met:
              inv.negativeWallets === 0 && inv.unbalancedWallets === 0 && inv.lostJobs === 0 && inv.duplicatedJobs === 0 && inv.statusRegressions === 0 && inv.unaskedServerErrors === 0 && inv.transportErrors === 0 &&
              inv.rateLimit.admitted === inv.rateLimit.expected && inv.rateLimit.remainingExact,
          },
        ];
  const cold = (t: string): number => r.coldStart.find((c) => c.target === t)?.medianMs ?? Number.NaN;
  const bound = r.memory.find((m) => m.label === 'bound');
  const raised = r.memory.find((m) => m.label === 'raised');
  const lastRss = (m: MemoryRun | undefined): number => m?.checkpoints.at(-1)?.rssMb ?? Number.NaN;
  const boundMid = bound?.checkpoints[Math.floor((bound.checkpoints.length - 1) / 2)];
  const boundGrowth = ratio(lastRss(bound), boundMid?.rssMb ?? Number.NaN);
  // Flat is judged on what the process keeps, the heap after a full GC: RSS also holds what the
  // allocator has not handed back yet, and moved by 25% between checkpoints holding the same jobs.
  const boundHeapGrowth = ratio(bound?.checkpoints.at(-1)?.heapMb ?? Number.NaN, boundMid?.heapMb ?? Number.NaN);
  const vsMinimal = pairedRatio('Express adapter', 'minimal Express 5');
  const vsPrism = pairedRatio('aigw-video serve', 'prism mock');
  const serveVsBare = pairedRatio('aigw-video serve', 'bare node:http');
  return [
    { name: 'GET job: our Express adapter / minimal Express (median of per-round ratios)', measured: `${vsMinimal}x${rounds('Express adapter', 'minimal Express 5')}`, goal: '>= 0.85x', met: vsMinimal >= 0.85 },
    { name: 'GET job: ours / Prism, each logging as by default to a file (median of per-round ratios)', measured: `${vsPrism}x${rounds('aigw-video serve', 'prism mock')}`, goal: '>= 4x', met: vsPrism >= 4 },
    { name: 'GET job: serve --store redis (one process) / Prism, throughput at 10 connections', measured: `${redisGet}x${rounds('serve --store redis', 'prism mock')}`, goal: '>= 5x', met: redisGet >= 5 },
    { name: 'create: serve --store redis (one process) / Prism, throughput at 10 connections', measured: `${redisPost}x${rounds('serve --store redis', 'prism mock', post)}`, goal: '>= 5x', met: redisPost >= 5 },
    ...loadTestTargets,
    ...cpuTargets,
    {
      name: 'serve --store redis: --workers 2 / one process, on 2 cores shared with autocannon and redis-server',
      measured: `GET ${twoVsOne}x${rounds('serve --store redis --workers 2', 'serve --store redis')}; create ${twoVsOnePost}x${rounds('serve --store redis --workers 2', 'serve --store redis', post)}`,
      goal: 'reported',
      met: null,
    },
    ...invariantTargets,
    { name: 'errors under load (ours, both scenarios)', measured: String(ourErrors), goal: '0', met: ourErrors === 0 },
    { name: 'cold start: ours / Prism', measured: `${cold('aigw-video serve')} ms / ${cold('prism mock')} ms = ${ratio(cold('aigw-video serve'), cold('prism mock'))}x`, goal: '<= 0.5x', met: ratio(cold('aigw-video serve'), cold('prism mock')) <= 0.5 },
    {
      name: 'RSS after 1M creates',
      measured: `bound ${lastRss(bound)} MB (x${boundGrowth} since the midpoint; heap x${boundHeapGrowth}), raised ${lastRss(raised)} MB`,
      goal: '<= 400 MB, or flat (heap after GC within 1.1x) once the bound is reached',
      met: lastRss(raised) <= 400 || (lastRss(bound) <= 400 && boundHeapGrowth <= 1.1),
    },
    ...(r.inProcess.media === undefined
      ? []
      : [{ name: 'largest MP4 built for a download, memo missed (median)', measured: `${fmt(r.inProcess.media.largestBuildUs)} µs`, goal: '<= 3 ms', met: r.inProcess.media.largestBuildUs <= 3000 }]),
    { name: 'GET job: aigw-video serve (node:http adapter) / bare node:http', measured: `${serveVsBare}x${rounds('aigw-video serve', 'bare node:http')}`, goal: '>= 0.5x (within 2x)', met: serveVsBare >= 0.5 },
  ];
}

const fmt = (n: number): string => n.toLocaleString('en-US');

export function renderTable(r: BenchResults): string {
  const lines: string[] = [];
  lines.push(`Run of ${r.date} on ${r.machine.cpu}, ${r.machine.cores} cores, ${r.machine.memoryGb} GB, Node ${r.machine.node} (${r.machine.platform}); 1-minute load average ${r.machine.loadAverageAtStart} at the start, ${r.machine.loadAverageAtEnd} at the end; ` +
    `autocannon on the same machine, ${r.settings.connections} connections${r.settings.loadTestConnections === undefined ? '' : ` (and ${r.settings.loadTestConnections} for the load-test rows)`}, ${r.settings.rounds} interleaved rounds of ${r.settings.secondsPerRun} s per cell (median of the rounds). Whole bench: ${r.totalSeconds} s.` +
    (r.partsMeasured === undefined ? '' : ` This run measured ${r.partsMeasured.join(', ')}; the other parts are from the run before it.`));
  lines.push('');
  lines.push('### HTTP, loopback');
  lines.push('');
  lines.push('| server | scenario | connections | req/s | p50 ms | p99 ms | requests | errors | CPU µs per request: server (+ Redis) |');
  lines.push('|---|---|---:|---:|---:|---:|---:|---:|---:|');
  for (const s of r.httpSummary) {
    const cpu = s.serverCpuUs === undefined ? '' : `${fmt(s.serverCpuUs)}${s.redisCpuUs === undefined ? '' : ` (+ ${fmt(s.redisCpuUs)})`}`;
    lines.push(`| ${s.target} | \`${s.scenario}\` | ${s.connections ?? 10} | ${fmt(s.requestsPerSecond)} | ${s.p50Ms} | ${s.p99Ms} | ${fmt(s.requests)} | ${s.errors} | ${cpu} |`);
  }
  const loads = r.http.map((x) => x.loadAverage).filter((x): x is number => x !== undefined);
  if (loads.length > 0) lines.push(`\n1-minute load average after each run: ${Math.min(...loads)} to ${Math.max(...loads)} (median ${median(loads)}); every run's in \`bench/results.json\`.`);
  if (r.prismHarness.length > 0) {
    lines.push('');
    lines.push('### The Prism baseline, by treatment of the servers\' logs (`GET /v1/jobs/{id}`, interleaved rounds)');
    lines.push('');
    lines.push('| server | treatment | req/s (median) | rounds | server CPU µs per request (median; rounds) | harness CPU µs per request (median) | load average per round |');
    lines.push('|---|---|---:|---|---|---:|---|');
    for (const row of r.prismHarness) {
      const cpu = row.serverCpuUs ?? [];
      const harness = row.harnessCpuUs ?? [];
      lines.push(`| ${row.server} | ${row.treatment} | ${fmt(Math.round(median(row.rounds)))} | ${row.rounds.join(', ')} | ${cpu.length === 0 ? '' : `${fmt(Math.round(median(cpu)))}; ${cpu.join(', ')}`} | ${harness.length === 0 ? '' : fmt(Math.round(median(harness)))} |  ${row.loadAverages.join(', ')} |`);
    }
    const rps = (server: string, start: string): number[] => r.prismHarness.find((h) => h.server === server && h.treatment.startsWith(start))?.rounds ?? [];
    const paired = (a: number[], b: number[]): string => {
      const per = a.map((x, i) => (b[i] ? Math.round((x / (b[i] as number)) * 10) / 10 : Number.NaN));
      return `${Math.round(median(per) * 10) / 10}x (rounds: ${per.join(', ')})`;
    };
    const cpuOf = (server: string, start: string): number[] => r.prismHarness.find((h) => h.server === server && h.treatment.startsWith(start))?.serverCpuUs ?? [];
    const ourCpu = median(cpuOf('aigw-video serve', 'default log'));
    const prismCpu = median(cpuOf('prism mock', 'default log'));
    lines.push('');
    if (ourCpu > 0 && prismCpu > 0) lines.push(`Server CPU per request, both logging as by default to a file: Prism ${fmt(Math.round(prismCpu))} µs, ours ${fmt(Math.round(ourCpu))} µs, a ratio of **${Math.round((prismCpu / ourCpu) * 10) / 10}x** (the outside load moves it much less than throughput).`);
    lines.push(`Throughput ratios (median of per-round ratios): both logging as by default to a file: **${paired(rps('aigw-video serve', 'default log'), rps('prism mock', 'default log'))}**; ` +
      `both without a log per request (ours \`--quiet\`, Prism \`-v warn\`): ${paired(rps('aigw-video serve', '`--quiet`'), rps('prism mock', 'log level warn'))}; ` +
      `the old harness (ours quiet, Prism's log searched by the bench process): ${paired(rps('aigw-video serve', '`--quiet`'), rps('prism mock', 'stdout piped to the bench process, kept'))}.`);
  }
  if (r.replicas !== null) {
    const v = r.replicas;
    lines.push('');
    lines.push(`### Three replicas over one Redis, ${v.clients} clients, ${v.seconds} s`);
    lines.push('');
    lines.push('| requests | req/s | creates | 402 (wallet empty) | 429 (own keys) | polls | unasked 5xx | negative wallets | unbalanced wallets | lost jobs | duplicated jobs | statuses moving back | rate limit: admitted / sent (expected) | load average (every 10 s) |');
    lines.push('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|---|');
    lines.push(`| ${fmt(v.requests)} | ${fmt(v.requestsPerSecond)} | ${fmt(v.creates)} | ${fmt(v.walletRefusals)} | ${fmt(v.rateLimited)} | ${fmt(v.polls)} | ${v.unaskedServerErrors} | ${v.negativeWallets} | ${v.unbalancedWallets} | ${v.lostJobs} | ${v.duplicatedJobs} | ${v.statusRegressions} | ${fmt(v.rateLimit.admitted)} / ${fmt(v.rateLimit.sent)} (${fmt(v.rateLimit.expected)}) | ${v.loadAverages.join(', ')} |`);
  }
  lines.push('');
  lines.push('### Cold start (spawn to the first 2xx answer to a create)');
  lines.push('');
  lines.push('| server | median ms | runs ms |');
  lines.push('|---|---:|---|');
  for (const c of r.coldStart) lines.push(`| ${c.target} | ${fmt(c.medianMs)} | ${c.runsMs.join(', ')} |`);
  lines.push('');
  lines.push('### In-process');
  lines.push('');
  lines.push('| what | result |');
  lines.push('|---|---:|');
  lines.push(`| core (\`simulation.handle\`): create+poll pairs/s | ${fmt(r.inProcess.corePairsPerSecond)} |`);
  lines.push(`| MSW handlers (\`getResponse\`): create+poll pairs/s | ${fmt(r.inProcess.mswPairsPerSecond)} |`);
  const l = r.inProcess.lifecycle;
  lines.push(`| ${fmt(l.jobs)} jobs created to completed, virtual clock (${fmt(l.requests)} requests, ${fmt(l.virtualMs)} virtual ms) | ${fmt(l.wallMs)} ms |`);
  const m = r.inProcess.media;
  if (m !== undefined) {
    lines.push(`| the largest MP4 (\`videoFor\`, ${fmt(m.largestBytes)} bytes) built, memo missed: median | ${fmt(m.largestBuildUs)} µs |`);
    lines.push(`| the same MP4 again, from the memo: median | ${m.memoHitUs} µs |`);
  }
  lines.push('');
  lines.push('### Memory (RSS of a child process creating jobs through the core)');
  lines.push('');
  const creates = [...new Set(r.memory.flatMap((m) => m.checkpoints.map((c) => c.creates)))].sort((a, b) => a - b);
  lines.push(`| store | ${creates.map((c) => `${fmt(c)} creates`).join(' | ')} |`);
  lines.push(`|---|${creates.map(() => '---:').join('|')}|`);
  for (const m of r.memory) {
    const cells = creates.map((c) => {
      const point = m.checkpoints.find((p) => p.creates === c);
      return point === undefined ? '' : `${point.rssMb} MB (heap ${point.heapMb} MB; ${fmt(point.jobs)} jobs)`;
    });
    lines.push(`| ${m.label === 'bound' ? `bound in force (maxJobs ${fmt(m.maxJobs)})` : `bound raised (maxJobs ${fmt(m.maxJobs)})`} | ${cells.join(' | ')} |`);
  }
  lines.push('');
  lines.push('### Targets');
  lines.push('');
  lines.push('| target | measured | goal | met |');
  lines.push('|---|---|---|---|');
  for (const t of r.targets) lines.push(`| ${t.name} | ${t.measured} | ${t.goal} | ${t.met === null ? 'n/a' : t.met ? 'yes' : '**no**'} |`);
  return lines.join('\n');
}

/** Replaces a generated section of docs/benchmarks.md (`bench`, `bench-dashboards`), keeping the prose around it. */
export function writeDoc(path: string, table: string, name = 'bench'): void {
  const BEGIN = `<!-- ${name}:begin (generated by npm run bench; do not edit by hand) -->`;
  const END = `<!-- ${name}:end -->`;
  const current = existsSync(path) ? readFileSync(path, 'utf8') : `# Benchmarks\n\n${BEGIN}\n${END}\n`;
  const start = current.indexOf(BEGIN);
  const end = current.indexOf(END);
  const section = `${BEGIN}\n${table}\n${END}`;
  const next = start >= 0 && end > start ? current.slice(0, start) + section + current.slice(end + END.length) : `${current.trimEnd()}\n\n${section}\n`;
  writeFileSync(path, next);
}
