import { hexAt } from '../../src/sim/random.js';

/**
 * The key fingerprint the mock used to scope accounts by (32 bits of state, shown in the journal),
 * kept here to build keys that collide with it: a scoping that still depends on it lets a forged
 * key into another key's jobs and wallet.
 */
export const legacyFingerprint = (apiKey: string): string => `key_${hexAt(12, 0x5eed, 'fingerprint', apiKey)}`;

const M = 0x85ebca6b;
/** Inverse of M modulo 2^32 (Newton's iteration: each step doubles the correct low bits). */
const M_INVERSE = (() => {
  let x = M;
  for (let i = 0; i < 5; i++) x = Math.imul(x, 2 - Math.imul(M, x));
  return x >>> 0;
})();

/** One character of randomAt's per-character step, forwards. */
const step = (h: number, c: number): number => {
  const x = Math.imul(h ^ c, M);
  return (x ^ (x >>> 13)) >>> 0;
};

/** The same step backwards: the state before `c` that leads to `h`. */
const unstep = (h: number, c: number): number => {
  // Undo x ^ (x >>> 13): the top 13 bits are x's, each further 13 follow from the ones above.
  let x = h;
  x = h ^ (x >>> 13);
  x = h ^ (x >>> 13);
  x = h ^ (x >>> 13);
  return (Math.imul(x >>> 0, M_INVERSE) ^ c) >>> 0;
};

/** The state after hashing `text` from `h` (randomAt's loop over one coordinate's characters). */
const run = (h: number, text: string): number => {
  let state = h;
  for (let i = 0; i < text.length; i++) state = step(state, text.charCodeAt(i));
  return state;
};

/** randomAt's state when it starts on the api key's characters (seed 0x5eed, then 'fingerprint'). */
const keyStart = (): number => {
  let h = (0x5eed ^ 0x9e3779b9) >>> 0;
  h = run(h, 'fingerprint');
  return Math.imul(h ^ 0x27d4eb2f, 0xc2b2ae35) >>> 0;
};

const ALPHABET = Array.from({ length: 94 }, (_, i) => 0x21 + i); // printable ASCII, no space

/**
 * A key other than `victim` with the same legacy fingerprint: meet in the middle over three free
 * characters on each side (94^6 combinations for 2^32 states, so a match is all but certain).
 */
export function forgeLegacyCollision(victim: string, prefix = 'sk-aig-forged-'): string {
  const target = run(keyStart(), victim);
  for (let variant = 0; variant < 16; variant++) {
    const head = `${prefix}${variant}`;
    const start = run(keyStart(), head);
    const middle = new Map<number, number>();
    for (const a of ALPHABET) for (const b of ALPHABET) for (const c of ALPHABET) middle.set(step(step(step(start, a), b), c), (a << 16) | (b << 8) | c);
    for (const f of ALPHABET) {
      const beforeF = unstep(target, f);
      for (const e of ALPHABET) {
        const beforeE = unstep(beforeF, e);
        for (const d of ALPHABET) {
          const found = middle.get(unstep(beforeE, d));
          if (found === undefined) continue;
          const forged = head + String.fromCharCode(found >>> 16, (found >>> 8) & 0xff, found & 0xff, d, e, f);
          if (forged !== victim && legacyFingerprint(forged) === legacyFingerprint(victim)) return forged;
        }
      }
    }
  }
  throw new Error(`no key colliding with ${victim} found`);
}
