import { videoFilesBase64 } from '../generated/fixtures.js';
import type { SchemaAspectRatio } from '../generated/api.js';

const decoded = new Map<string, Uint8Array>();

/** The fixture MP4 for an aspect ratio (`16:9` -> fixtures/videos/16x9.mp4), decoded once. */
export function videoFor(aspectRatio: SchemaAspectRatio): Uint8Array {
  const name = `${aspectRatio.replace(':', 'x')}.mp4`;
  let bytes = decoded.get(name);
  if (bytes === undefined) {
    const base64 = videoFilesBase64[name];
    if (base64 === undefined) throw new Error(`No fixture video ${name} for aspect ratio ${aspectRatio}`);
    bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
    decoded.set(name, bytes);
  }
  return bytes;
}

export type RangeAnswer =
  | { kind: 'whole' }
  | { kind: 'partial'; start: number; end: number }
  | { kind: 'unsatisfiable' };

/**
 * A `Range` header against a file of `size` bytes (RFC 9110 section 14). Only single byte ranges
 * are served; a header this server does not understand, or several ranges, get the whole file, as
 * section 14.2 allows ("a server MAY ignore the Range header field").
 */
export function parseRange(header: string | undefined, size: number): RangeAnswer {
  if (header === undefined) return { kind: 'whole' };
  const match = /^\s*bytes\s*=\s*(\d*)\s*-\s*(\d*)\s*$/i.exec(header);
  if (match === null) return { kind: 'whole' };
  const [, first = '', last = ''] = match;
  if (first === '' && last === '') return { kind: 'whole' };
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0) return { kind: 'unsatisfiable' };
    return { kind: 'partial', start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  if (start >= size) return { kind: 'unsatisfiable' };
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (end < start) return { kind: 'whole' };
  return { kind: 'partial', start, end };
}
