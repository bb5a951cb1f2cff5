import { hmac } from '@noble/hashes/hmac.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, randomBytes, utf8ToBytes } from '@noble/hashes/utils.js';

// Pure JavaScript (no node:crypto): the core runs in Node and in a browser under MSW's setupWorker
// alike, and a key is hashed without a round trip through async Web Crypto.

/** Hex digits of a key's fingerprint: 128 bits, so that two keys sharing one is negligible (2^-64 for 2^32 keys). */
const FINGERPRINT_HEX = 32;
/** Fingerprints remembered per process (a pure function of the key: the memo is only a cache). */
const MEMO_LIMIT = 4096;

/** 32 random bytes as hex: what a simulation proposes to its store as the fingerprint secret (`Store.fingerprintSecret`). */
export function newKeySecret(): string {
  return bytesToHex(randomBytes(32));
}

/** Names API keys without showing them: the fingerprint the store, the journal and the wallet use. */
export interface KeyHasher {
  /** `key_` and 128 bits of HMAC-SHA256(secret, key): the key's account, and its name in journals. */
  fingerprint(apiKey: string): string;
}

/**
 * Accounts are scoped by a keyed cryptographic hash of the key (HMAC-SHA256), not by a short
 * checksum: a key built to collide with another key's fingerprint would need to break HMAC-SHA256.
 * Keyed with a secret, so that a fingerprint seen in a journal cannot be checked against guessed keys.
 */
export function createKeyHasher(secret: string): KeyHasher {
  if (secret.length === 0) throw new RangeError('keySecret must not be empty');
  // The inner and outer pads are hashed once; each key then costs two SHA-256 blocks.
  const keyed = hmac.create(sha256, utf8ToBytes(secret));
  const memo = new Map<string, string>();
  return {
    fingerprint(apiKey) {
      let fingerprint = memo.get(apiKey);
      if (fingerprint === undefined) {
        const mac = keyed.clone().update(utf8ToBytes(apiKey)).digest();
        fingerprint = `key_${bytesToHex(mac).slice(0, FINGERPRINT_HEX)}`;
        if (memo.size >= MEMO_LIMIT) memo.clear();
        memo.set(apiKey, fingerprint);
      }
      return fingerprint;
    },
  };
}

/**
 * Whether two secrets (an admin token) are equal, in time that does not depend on where they
 * differ: both are hashed to 32 bytes first, so neither the length nor a common prefix shows.
 */
export function sameSecret(given: string, expected: string): boolean {
  const a = sha256(utf8ToBytes(given));
  const b = sha256(utf8ToBytes(expected));
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= (a[i] as number) ^ (b[i] as number);
  return difference === 0;
}
