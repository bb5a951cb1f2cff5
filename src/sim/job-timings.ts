import type { Distribution, SimConfig } from './config.js';
import { sampleDistribution } from './sample-latency.js';

/** A lognormal timing is truncated at this many sigmas from its median (a draw beyond is kept at the bound). */
export const TIMING_MAX_Z = 4;

/** The realtime schedule of one job, as its record keeps it. */
export interface JobTimings {
  queuedMs: number;
  processingMs: number;
}

/**
 * The realtime schedule of a new job: its queued time and its processing time (per video second x
 * `duration`), each drawn from the configured distribution with the job's own draws (`queued...`,
 * `processing...`: names no other decision uses, so a seed gives the same ids and outcomes with or
 * without a spread). Sampled once, at the create, and kept in the record, so that the job's phase
 * stays a function of its record and the clock.
 *
 * A draw is kept sane: a lognormal's deviate is truncated to +-4 sigma (the draw within median
 * x/e^(4 sigma)), a drawn value is rounded to a whole millisecond, then kept within [1, 2^53 - 1] ms
 * for the queued time (a create always answers `queued`) and [0, 2^53 - 1] ms for processing. A
 * fixed timing is taken as given (no rounding), as before there were distributions.
 */
export function sampleJobTimings(config: SimConfig, duration: number, draw: (what: string) => number): JobTimings {
  const { queuedMs, processingMsPerSecond } = config.realtime;
  return {
    queuedMs: sane(queuedMs, sampleDistribution(queuedMs, 'queued', draw, TIMING_MAX_Z), 1),
    processingMs: sane(processingMsPerSecond, duration * sampleDistribution(processingMsPerSecond, 'processing', draw, TIMING_MAX_Z), 0),
  };
}

function sane(distribution: Distribution, value: number, min: number): number {
  const kept = distribution.kind === 'fixed' ? value : Math.round(value);
  return Math.min(Number.MAX_SAFE_INTEGER, Math.max(min, kept));
}

/**
 * The range a timing's draws fall in, per unit (ms for the queued time, ms per video second for
 * processing), before rounding and the floor: what `sampleJobTimings` promises.
 */
export function timingBounds(distribution: Distribution): { min: number; max: number } {
  switch (distribution.kind) {
    case 'fixed':
      return { min: distribution.ms, max: distribution.ms };
    case 'uniform':
      return { min: distribution.minMs, max: distribution.maxMs };
    case 'lognormal': {
      const spread = Math.exp(TIMING_MAX_Z * distribution.sigma);
      return { min: distribution.medianMs / spread, max: distribution.medianMs * spread };
    }
  }
}
