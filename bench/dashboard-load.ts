import { loadavg } from 'node:os';
import { existingJobId, measure, type LoadResult, type Scenario } from './http-load.js';
import { startOurMock } from './http-targets.js';

// The API's throughput with dashboards open, against none: what the event stream and the page's
// reads cost `aigw-video serve` while it answers load.

export interface DashboardRun extends LoadResult {
  dashboards: number;
  /** Events the dashboards received during the run, and the listings they read. */
  events: number;
  listingReads: number;
}

export interface DashboardBench {
  date: string;
  loadAverageAtStart: number;
  loadAverageAtEnd: number;
  secondsPerRun: number;
  rounds: number;
  runs: DashboardRun[];
}

/**
 * A dashboard as the server sees it: its event stream, read to the end of every event, and the
 * listings the page reads again at most once a second while events arrive (its board's page of 50
 * jobs and its page of 20 keys). Rendering happens in the browser, not on the server.
 */
function openDashboard(origin: string): { stop(): void; counts(): { events: number; listingReads: number } } {
  const controller = new AbortController();
  let events = 0;
  let listingReads = 0;
  let eventsAtLastRead = 0;
  void (async () => {
    const response = await fetch(`${origin}/__mock/events`, { signal: controller.signal });
    const reader = (response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    // Counted across chunk boundaries: the end of one chunk is kept to join the next.
    let carry = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      const text = carry + decoder.decode(value, { stream: true });
      events += text.split('\nevent: ').length - 1;
      carry = text.slice(-7);
    }
  })().catch(() => undefined);
  const timer = setInterval(() => {
    if (events === eventsAtLastRead) return;
    eventsAtLastRead = events;
    listingReads += 2;
    void Promise.all([fetch(`${origin}/__mock/jobs?limit=50`, { signal: controller.signal }).then((r) => r.arrayBuffer()), fetch(`${origin}/__mock/keys?limit=20`, { signal: controller.signal }).then((r) => r.arrayBuffer())]).catch(() => undefined);
  }, 1000);
  return {
    stop() {
      clearInterval(timer);
      controller.abort();
    },
    counts: () => ({ events, listingReads }),
  };
}

/** Rounds of: the API under load with no dashboard, then with two (the other way round every other round). */
export async function measureWithDashboards(seconds: number, rounds: number, say: (line: string) => void): Promise<DashboardBench> {
  const loadAverageAtStart = Math.round((loadavg()[0] ?? 0) * 100) / 100;
  const server = await startOurMock();
  const runs: DashboardRun[] = [];
  try {
    const scenarios: Scenario[] = ['GET /v1/jobs/{id}', 'POST /v1/videos/generations'];
    for (let round = 1; round <= rounds; round++) {
      for (const scenario of scenarios) {
        const order = round % 2 === 1 ? [0, 2] : [2, 0];
        for (const dashboards of order) {
          const jobId = await existingJobId(server.origin);
          const open = Array.from({ length: dashboards }, () => openDashboard(server.origin));
          await new Promise((settle) => setTimeout(settle, 500));
          const before = open.map((d) => d.counts());
          const result = await measure(server, scenario, jobId, seconds, round, round === 1 ? 2 : 0);
          const after = open.map((d) => d.counts());
          for (const d of open) d.stop();
          const events = after.reduce((sum, c, i) => sum + c.events - (before[i]?.events ?? 0), 0);
          const listingReads = after.reduce((sum, c, i) => sum + c.listingReads - (before[i]?.listingReads ?? 0), 0);
          runs.push({ ...result, target: 'aigw-video serve', dashboards, events, listingReads });
          say(`  round ${round} ${scenario.padEnd(28)} ${dashboards} dashboards ${String(result.requestsPerSecond).padStart(6)} req/s  p99 ${result.p99Ms} ms  events ${events}  errors ${result.errors}`);
        }
      }
    }
  } finally {
    await server.stop();
  }
  return { date: new Date().toISOString(), loadAverageAtStart, loadAverageAtEnd: Math.round((loadavg()[0] ?? 0) * 100) / 100, secondsPerRun: seconds, rounds, runs };
}

const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};

/** The table of docs/benchmarks.md: medians of the rounds, and the median of the per-round ratios. */
export function renderDashboardTable(bench: DashboardBench): string {
  const lines = [
    `Run of ${bench.date}; 1-minute load average ${bench.loadAverageAtStart} at the start, ${bench.loadAverageAtEnd} at the end; ${bench.rounds} rounds of ${bench.secondsPerRun} s per cell, 10 connections, median of the rounds.`,
    '',
    '| scenario | dashboards | req/s | p50 ms | p99 ms | events received | listing reads | errors |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const ratios: string[] = [];
  for (const scenario of ['GET /v1/jobs/{id}', 'POST /v1/videos/generations'] as const) {
    for (const dashboards of [0, 2]) {
      const cell = bench.runs.filter((r) => r.scenario === scenario && r.dashboards === dashboards);
      if (cell.length === 0) continue;
      lines.push(
        `| \`${scenario}\` | ${dashboards} | ${median(cell.map((r) => r.requestsPerSecond)).toLocaleString('en')} | ${median(cell.map((r) => r.p50Ms))} | ${median(cell.map((r) => r.p99Ms))} | ${median(cell.map((r) => r.events)).toLocaleString('en')} | ${median(cell.map((r) => r.listingReads))} | ${cell.reduce((s, r) => s + r.errors, 0)} |`,
      );
    }
    const perRound = [...new Set(bench.runs.map((r) => r.round))].map((round) => {
      const with2 = bench.runs.find((r) => r.round === round && r.scenario === scenario && r.dashboards === 2);
      const with0 = bench.runs.find((r) => r.round === round && r.scenario === scenario && r.dashboards === 0);
      return with2 === undefined || with0 === undefined || with0.requestsPerSecond === 0 ? null : with2.requestsPerSecond / with0.requestsPerSecond;
    }).filter((x): x is number => x !== null);
    if (perRound.length > 0) ratios.push(`\`${scenario}\`: ${median(perRound).toFixed(2)}x`);
  }
  lines.push('', `Throughput with two dashboards open, as a share of none (median of the per-round ratios): ${ratios.join(', ')}.`);
  return lines.join('\n');
}
