// Loads nothing but the sampler: `serve`'s flag parser checks timings with it before any server module.
import type { Distribution, JobTiming, SimConfig } from './config.js';
import { sampleDistribution } from './sample-latency.js';

/** The largest `sigma` of a lognormal timing: its draws already span median x/e^16 at 4 sigma. */
export const MAX_SIGMA = 4;

const atLeast = (name: string, value: number, min: number): number => {
  if (!Number.isFinite(value) || value < min) throw new RangeError(`${name} must be a number >= ${min}, not ${value}`);
  return value;
};

/**
 * A realtime timing checked and made a distribution: every number finite and at least `min` (a
 * queued time of at least 1 ms, so a create always answers `queued`), a uniform's `minMs <= maxMs`,
 * a lognormal's `sigma` within 0..MAX_SIGMA. The message names the field.
 */
export function jobTiming(name: string, value: JobTiming, min: number): Distribution {
  if (typeof value === 'number') return { kind: 'fixed', ms: atLeast(name, value, min) };
  if (typeof value !== 'object' || value === null) throw new RangeError(`${name} must be a number of ms or a distribution ({ kind: 'fixed' | 'uniform' | 'lognormal', ... }), not ${String(value)}`);
  switch (value.kind) {
    case 'fixed':
      return { kind: 'fixed', ms: atLeast(`${name}.ms`, value.ms, min) };
    case 'uniform': {
      const minMs = atLeast(`${name}.minMs`, value.minMs, min);
      const maxMs = atLeast(`${name}.maxMs`, value.maxMs, minMs);
      return { kind: 'uniform', minMs, maxMs };
    }
    case 'lognormal': {
      const medianMs = atLeast(`${name}.medianMs`, value.medianMs, min);
      if (!(Number.isFinite(value.sigma) && value.sigma >= 0 && value.sigma <= MAX_SIGMA)) {
        throw new RangeError(`${name}.sigma must be a number from 0 to ${MAX_SIGMA}, not ${value.sigma}`);
      }
      return { kind: 'lognormal', medianMs, sigma: value.sigma };
    }
    default:
      throw new RangeError(`${name}.kind must be fixed, uniform or lognormal, not ${String((value as { kind?: unknown }).kind)}`);
  }
}

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
