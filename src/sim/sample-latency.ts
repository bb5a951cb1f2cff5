import type { LatencyProfile, SimConfig } from './config.js';
import { randomAt } from './random.js';
import type { Account, Fault } from './state.js';

/** The first armed fault of the account for this operation, used up by one; null when none. */
export function takeArmedFault(account: Account, operationId: string): Fault | null {
  const index = account.faults.findIndex((f) => f.operation === operationId || f.operation === '*');
  if (index < 0) return null;
  const fault = account.faults[index] as Fault;
  fault.remaining -= 1;
  if (fault.remaining <= 0) account.faults.splice(index, 1);
  return { ...fault };
}

/** Milliseconds to wait before answering, drawn from the operation's latency profile. */
export function sampleLatency(config: SimConfig, operationId: string | null, draw: (salt: string) => number): number {
  const profile: LatencyProfile = config.latency[operationId ?? '*'] ?? config.latency['*'] ?? { kind: 'none' };
  switch (profile.kind) {
    case 'none':
      return 0;
    case 'fixed':
      return profile.ms;
    case 'uniform':
      return profile.minMs + draw('latency') * (profile.maxMs - profile.minMs);
    case 'lognormal': {
      // Box-Muller: a standard normal from two uniforms.
      const u1 = Math.max(draw('latency-1'), Number.MIN_VALUE);
      const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * draw('latency-2'));
      return profile.medianMs * Math.exp(profile.sigma * z);
    }
  }
}

/** A draw for a per-key decision: keyed by seed, key and the key's decision count. */
export function drawFor(config: SimConfig, account: Account): (salt: string) => number {
  const seq = account.seq++;
  return (salt) => randomAt(config.seed, account.key, seq, salt);
}
