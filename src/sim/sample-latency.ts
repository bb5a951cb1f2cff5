import type { LatencyProfile, SimConfig } from './config.js';

/** Milliseconds to wait before answering, drawn from the operation's latency profile. */
export function sampleLatency(config: SimConfig, operationId: string | null, draw: (what: string) => number): number {
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
