import { defaultDuration } from '../sim/spec-values.js';
import type { HarExchange } from '../har/har-exchanges.js';

/** A timing measured over jobs: its middle, its spread between jobs, and how exactly one sample is known. */
export interface Measure {
  median: number;
  mean: number;
  min: number;
  max: number;
  /** Population standard deviation between jobs. */
  stdev: number;
  samples: number;
  /** Median half-gap between the two polls around a change of status. */
  resolutionMs: number;
}

export interface RateLimitSeen {
  /** Requests per minute: the most frequent x-ratelimit-limit-requests. */
  limitRequests: number | null;
  headers: { name: string; values: string[]; entries: number }[];
}

export interface Timings {
  queuedMs: Measure | null;
  processingMsPerVideoSecond: Measure | null;
  rateLimit: RateLimitSeen;
  notes: string[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const round = (n: number): number => Math.round(n * 10) / 10;

/** queued 0, processing (or the docs' running) 1, completed 2; anything else is not a step of the schedule. */
const PHASES: Record<string, number> = { queued: 0, processing: 1, running: 1, completed: 2 };

export function measure(samples: readonly { value: number; halfWidth: number }[]): Measure | null {
  if (samples.length === 0) return null;
  const values = samples.map((s) => s.value).sort((a, b) => a - b);
  const widths = samples.map((s) => s.halfWidth).sort((a, b) => a - b);
  const median = (sorted: number[]): number => {
    const mid = Math.floor(sorted.length / 2);
    return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  };
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const stdev = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / values.length);
  return {
    median: round(median(values)),
    mean: round(mean),
    min: round(values[0] as number),
    max: round(values.at(-1) as number),
    stdev: round(stdev),
    samples: values.length,
    resolutionMs: round(median(widths)),
  };
}

interface Sighting {
  at: number;
  phase: number;
}

/**
 * How long jobs stay queued and how long they process per video second, from the statuses their
 * polls saw. A change of status happened between the last poll that saw the old status and the first
 * that saw the new one: the midpoint is the estimate, half the gap its resolution. Only completed
 * jobs count for processing (a failed job stops early).
 */
export function measureTimings(exchanges: readonly HarExchange[]): Timings {
  const jobs = new Map<string, { createdAt: number | null; duration: number; sightings: Sighting[] }>();
  const rateHeaders = new Map<string, { values: Set<string>; entries: number }>();
  const limits = new Map<number, number>();
  for (const e of exchanges) {
    if (e.proxyError) continue;
    for (const [name, value] of Object.entries(e.responseHeaders)) {
      if (!/^(x-ratelimit-|ratelimit|retry-after$)/.test(name)) continue;
      const seen = rateHeaders.get(name) ?? { values: new Set<string>(), entries: 0 };
      if (seen.values.size < 10) seen.values.add(value);
      seen.entries += 1;
      rateHeaders.set(name, seen);
      if (name === 'x-ratelimit-limit-requests' && /^\d+$/.test(value)) limits.set(Number(value), (limits.get(Number(value)) ?? 0) + 1);
    }
    const body = e.responseBody;
    if (e.jobId === null || !isObject(body) || e.status < 200 || e.status >= 300) continue;
    if (e.operationId !== 'createVideo' && e.operationId !== 'getJob') continue;
    const job = jobs.get(e.jobId) ?? { createdAt: null, duration: defaultDuration, sightings: [] };
    if (e.operationId === 'createVideo') {
      job.createdAt = e.handledMs;
      const asked = isObject(e.requestBody) ? e.requestBody['duration'] : undefined;
      if (typeof asked === 'number' && asked > 0) job.duration = asked;
    }
    const phase = typeof body['status'] === 'string' ? PHASES[body['status']] : undefined;
    if (phase !== undefined) job.sightings.push({ at: e.handledMs, phase });
    jobs.set(e.jobId, job);
  }

  const queued: { value: number; halfWidth: number }[] = [];
  const processing: { value: number; halfWidth: number }[] = [];
  let withoutCreate = 0;
  let unseenProcessing = 0;
  for (const job of jobs.values()) {
    if (job.createdAt === null) {
      withoutCreate += 1;
      continue;
    }
    const sightings = [...job.sightings].sort((a, b) => a.at - b.at);
    const lastQueued = sightings.filter((s) => s.phase === 0).at(-1);
    const firstProcessing = sightings.find((s) => s.phase >= 1);
    if (lastQueued === undefined || firstProcessing === undefined || firstProcessing.phase !== 1) {
      if (firstProcessing !== undefined) unseenProcessing += 1;
      continue;
    }
    const queuedEnd = (lastQueued.at + firstProcessing.at) / 2;
    queued.push({ value: queuedEnd - job.createdAt, halfWidth: (firstProcessing.at - lastQueued.at) / 2 });
    const lastProcessing = sightings.filter((s) => s.phase === 1).at(-1) as Sighting;
    const completed = sightings.find((s) => s.phase === 2);
    if (completed === undefined) continue;
    const processingEnd = (lastProcessing.at + completed.at) / 2;
    processing.push({ value: (processingEnd - queuedEnd) / job.duration, halfWidth: (completed.at - lastProcessing.at) / 2 / job.duration });
  }

  const notes: string[] = [];
  if (queued.length > 0) notes.push(`queued time from ${queued.length} job(s); each known within about ±${Math.round(measure(queued)?.resolutionMs ?? 0)} ms (half the gap between the polls around the change)`);
  else notes.push('queued time not measured: no job was seen both queued and then processing (poll more often to see it)');
  if (processing.length > 0) notes.push(`processing time per video second from ${processing.length} completed job(s)`);
  else notes.push('processing time not measured: no job was seen processing and then completed');
  if (withoutCreate > 0) notes.push(`${withoutCreate} job(s) were polled without their create in the recording, and left out`);
  if (unseenProcessing > 0) notes.push(`${unseenProcessing} job(s) were never seen processing (polled too rarely), and left out`);
  const limit = [...limits].sort((a, b) => b[1] - a[1])[0]?.[0] ?? null;
  return {
    queuedMs: measure(queued),
    processingMsPerVideoSecond: measure(processing),
    rateLimit: {
      limitRequests: limit,
      headers: [...rateHeaders].map(([name, seen]) => ({ name, values: [...seen.values], entries: seen.entries })).sort((a, b) => a.name.localeCompare(b.name)),
    },
    notes,
  };
}
