import type { LatencyProfile } from '../sim/config.js';
import { UsageError } from './cli-io.js';

const FORMS = "fixed:MS, uniform:MIN-MAX, lognormal:MEDIAN,SIGMA or none, optionally per operation as 'getJob=fixed:200;*=uniform:10-50'";

function profile(text: string): LatencyProfile {
  const [kind, args = ''] = text.split(':');
  const nums = args.split(/[-,]/).map(Number);
  const ok = nums.every((n) => Number.isFinite(n) && n >= 0);
  if (kind === 'none' && args === '') return { kind: 'none' };
  if (kind === 'fixed' && ok && nums.length === 1) return { kind: 'fixed', ms: nums[0] as number };
  if (kind === 'uniform' && ok && nums.length === 2 && (nums[0] as number) <= (nums[1] as number)) {
    return { kind: 'uniform', minMs: nums[0] as number, maxMs: nums[1] as number };
  }
  if (kind === 'lognormal' && ok && nums.length === 2) return { kind: 'lognormal', medianMs: nums[0] as number, sigma: nums[1] as number };
  throw new UsageError(`--latency: '${text}' is not a latency profile; use ${FORMS}.`);
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
