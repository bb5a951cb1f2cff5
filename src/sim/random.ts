/**
 * Deterministic randomness without state: a number in [0, 1) from a seed and the coordinates of a
 * decision (key fingerprint, per-key sequence number, what is being decided). Two keys used in
 * parallel never shift each other's outcomes, and a run replays exactly from its seed.
 */
export function randomAt(seed: number, ...coordinates: Array<string | number>): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  for (const part of coordinates) {
    const text = String(part);
    for (let i = 0; i < text.length; i++) {
      h = Math.imul(h ^ text.charCodeAt(i), 0x85ebca6b);
      h = (h ^ (h >>> 13)) >>> 0;
    }
    h = Math.imul(h ^ 0x27d4eb2f, 0xc2b2ae35) >>> 0;
  }
  // Final avalanche (murmur3 fmix32).
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 0x1_0000_0000;
}

/** A short lower-case hex string from the same coordinates (ids, fingerprints). */
export function hexAt(length: number, seed: number, ...coordinates: Array<string | number>): string {
  let out = '';
  for (let block = 0; out.length < length; block++) {
    out += Math.floor(randomAt(seed, ...coordinates, block) * 0x1_0000_0000)
      .toString(16)
      .padStart(8, '0');
  }
  return out.slice(0, length);
}
