import type { Distribution, JobTiming, LatencyProfile } from '../sim/config.js';
import { numberFlag, UsageError } from './cli-io.js';

const FORMS = "fixed:MS, uniform:MIN-MAX, lognormal:MEDIAN,SIGMA or none, optionally per operation as 'getJob=fixed:200;*=uniform:10-50'";
const DISTRIBUTIONS = 'fixed:MS, uniform:MIN-MAX or lognormal:MEDIAN,SIGMA';
/**
 * The core's MAX_SIGMA (src/sim/job-timings.ts), not imported: `serve --help` and a bad flag load no
 * module of the core. A test keeps the two equal.
 */
export const FLAG_MAX_SIGMA = 4;

/** `fixed:MS`, `uniform:MIN-MAX`, `lognormal:MEDIAN,SIGMA` or `none`; null when the text is none of them. */
function distribution(text: string): LatencyProfile | null {
  const [kind, args = ''] = text.split(':');
  const parts = args.split(/[-,]/);
  const nums = parts.map(Number);
  // Every number written out ('fixed:' is not fixed:0).
  const ok = parts.every((p) => p.trim() !== '') && nums.every((n) => Number.isFinite(n) && n >= 0);
  if (kind === 'none' && args === '') return { kind: 'none' };
  if (kind === 'fixed' && ok && nums.length === 1) return { kind: 'fixed', ms: nums[0] as number };
  if (kind === 'uniform' && ok && nums.length === 2 && (nums[0] as number) <= (nums[1] as number)) {
    return { kind: 'uniform', minMs: nums[0] as number, maxMs: nums[1] as number };
  }
  if (kind === 'lognormal' && ok && nums.length === 2) return { kind: 'lognormal', medianMs: nums[0] as number, sigma: nums[1] as number };
  return null;
}

function profile(text: string): LatencyProfile {
  const parsed = distribution(text);
  if (parsed === null) throw new UsageError(`--latency: '${text}' is not a latency profile; use ${FORMS}.`);
  return parsed;
}

/** `--latency fixed:200` or `getJob=uniform:10-50;*=fixed:5`. */
export function parseLatency(raw: string): LatencyProfile | Record<string, LatencyProfile> {
  if (!raw.includes('=')) return profile(raw.trim());
  const out: Record<string, LatencyProfile> = {};
  for (const part of raw.split(';')) {
    const [operation, text] = part.split('=');
    if (operation === undefined || text === undefined || operation.trim() === '') throw new UsageError(`--latency: '${part}' is not OPERATION=PROFILE; use ${FORMS}.`);
    out[operation.trim()] = profile(text.trim());
  }
  return out;
}

/**
 * `--queued-ms` and `--processing-ms`: a number of ms for every job (as before), or a distribution
 * each job draws its own from (`lognormal:1450,0.3`). `min` is the least a duration may be (1 ms
 * queued, so a create always answers `queued`; 0 processing).
 */
export function parseJobTiming(flag: 'queued-ms' | 'processing-ms', raw: string | undefined, min: number): JobTiming | undefined {
  if (raw === undefined) return undefined;
  const integer = flag === 'queued-ms';
  if (!raw.includes(':')) {
    try {
      return numberFlag(flag, raw, { min, integer });
    } catch {
      throw new UsageError(`--${flag} must be ${integer ? 'an integer' : 'a number'} >= ${min} (ms), or a distribution ${DISTRIBUTIONS}; not '${raw}'.`);
    }
  }
  const parsed = distribution(raw.trim());
  if (parsed === null || parsed.kind === 'none') throw new UsageError(`--${flag}: '${raw}' is not a distribution; use MS, ${DISTRIBUTIONS}.`);
  const problem = timingProblem(parsed, min);
  if (problem !== null) throw new UsageError(`--${flag}: '${raw}' ${problem}.`);
  return parsed;
}

function timingProblem(d: Distribution, min: number): string | null {
  const least = d.kind === 'fixed' ? d.ms : d.kind === 'uniform' ? d.minMs : d.medianMs;
  const what = d.kind === 'fixed' ? 'MS' : d.kind === 'uniform' ? 'MIN' : 'MEDIAN';
  if (least < min) return `needs ${what} >= ${min} ms`;
  if (d.kind === 'lognormal' && d.sigma > FLAG_MAX_SIGMA) return `has SIGMA ${d.sigma}; SIGMA must be from 0 to ${FLAG_MAX_SIGMA} (the spread of the logarithm: 0.25 keeps most jobs within x/1.3..x1.3 of the median)`;
  return null;
}
