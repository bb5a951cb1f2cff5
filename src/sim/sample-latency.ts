import type { Distribution, LatencyProfile, SimConfig } from './config.js';

/**
 * A draw of a distribution, from uniforms named after `name` (`name`, or `name-1` and `name-2` for a
 * lognormal). `maxZ` truncates a lognormal's normal deviate to within that many sigmas of the median.
 */
export function sampleDistribution(profile: Distribution, name: string, draw: (what: string) => number, maxZ = Number.POSITIVE_INFINITY): number {
  switch (profile.kind) {
    case 'fixed':
      return profile.ms;
    case 'uniform':
      return profile.minMs + draw(name) * (profile.maxMs - profile.minMs);
    case 'lognormal': {
      // Box-Muller: a standard normal from two uniforms.
      const u1 = Math.max(draw(`${name}-1`), Number.MIN_VALUE);
      const z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * draw(`${name}-2`));
      return profile.medianMs * Math.exp(profile.sigma * Math.min(maxZ, Math.max(-maxZ, z)));
    }
  }
}

/** Milliseconds to wait before answering, drawn from the operation's latency profile. */
export function sampleLatency(config: SimConfig, operationId: string | null, draw: (what: string) => number): number {
  const profile: LatencyProfile = config.latency[operationId ?? '*'] ?? config.latency['*'] ?? { kind: 'none' };
  return profile.kind === 'none' ? 0 : sampleDistribution(profile, 'latency', draw);
}
