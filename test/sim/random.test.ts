import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { hexAt, randomAt, randomsAt } from '../../src/sim/random.js';

/** hexAt as first written: block after block of randomAt(seed, ...coordinates, block). */
function hexByBlocks(length: number, seed: number, ...coordinates: Array<string | number>): string {
  let out = '';
  for (let block = 0; out.length < length; block++) {
    out += Math.floor(randomAt(seed, ...coordinates, block) * 0x1_0000_0000)
      .toString(16)
      .padStart(8, '0');
  }
  return out.slice(0, length);
}

describe('seeded randomness', () => {
  const coordinates = fc.array(fc.oneof(fc.string(), fc.integer(), fc.double({ noNaN: false })), { maxLength: 5 });
  test.prop([fc.integer({ min: 1, max: 40 }), fc.integer(), coordinates])('gives ids made of the blocks of randomAt for their coordinates, so a seed replays the same ids', (length, seed, parts) => {
    expect(hexAt(length, seed, ...parts)).toBe(hexByBlocks(length, seed, ...parts));
  });

  test.prop([fc.integer(), coordinates, fc.string()])('draws a decision as randomAt does, the coordinates mixed once', (seed, parts, what) => {
    expect(randomsAt(seed, ...parts)(what)).toBe(randomAt(seed, ...parts, what));
  });
});
