const start = (seed: number): number => (seed ^ 0x9e3779b9) >>> 0;

/** The hash state with one more coordinate mixed in. */
function mix(state: number, part: string | number): number {
  const text = String(part);
  let h = state;
  for (let i = 0; i < text.length; i++) {
    h = Math.imul(h ^ text.charCodeAt(i), 0x85ebca6b);
    h = (h ^ (h >>> 13)) >>> 0;
  }
  return Math.imul(h ^ 0x27d4eb2f, 0xc2b2ae35) >>> 0;
}

/** The final avalanche (murmur3 fmix32): 32 random bits. */
function finish(state: number): number {
  let h = state;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The hash state of a seed with coordinates mixed in, in order. */
function mixAll(seed: number, coordinates: ReadonlyArray<string | number>): number {
  let h = start(seed);
  for (const part of coordinates) h = mix(h, part);
  return h;
}

const toUnit = (bits: number): number => bits / 0x1_0000_0000;

// Number#toString(16) takes a slow path for values of 2^31 and above: a byte at a time from a table.
const HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, '0'));
const hex8 = (bits: number): string =>
  `${HEX[bits >>> 24] as string}${HEX[(bits >>> 16) & 255] as string}${HEX[(bits >>> 8) & 255] as string}${HEX[bits & 255] as string}`;

/**
 * Deterministic randomness without state: a number in [0, 1) from a seed and the coordinates of a
 * decision (key fingerprint, per-key sequence number, what is being decided). Two keys used in
 * parallel never shift each other's outcomes, and a run replays exactly from its seed.
 */
export function randomAt(seed: number, ...coordinates: Array<string | number>): number {
  return toUnit(finish(mixAll(seed, coordinates)));
}

/** `randomAt(seed, ...coordinates, what)` for any `what`, the coordinates mixed once. */
export function randomsAt(seed: number, ...coordinates: Array<string | number>): (what: string) => number {
  const h = mixAll(seed, coordinates);
  return (what) => toUnit(finish(mix(h, what)));
}

/** A short lower-case hex string from the same coordinates (ids, fingerprints). */
export function hexAt(length: number, seed: number, ...coordinates: Array<string | number>): string {
  const h = mixAll(seed, coordinates);
  // Each block of 8 digits is randomAt(seed, ...coordinates, block): the coordinates are mixed once.
  let out = '';
  for (let block = 0; out.length < length; block++) out += hex8(finish(mix(h, block)));
  return out.slice(0, length);
}
