import { keyframesBase64 } from '../generated/fixtures.js';
import { nalUnitType, splitAnnexB } from './h264/nal-units.js';
import { parsePps, parseSps, type Pps, type Sps } from './h264/parameter-sets.js';
import { skipSlice } from './h264/skip-slice.js';
import { writeMp4, type AvcSample } from './mp4/write-mp4.js';
import { durationRange } from './spec-values.js';

/** What the served file says about itself: its length in seconds and its frame size in pixels. */
export interface VideoShape {
  duration: number;
  width: number;
  height: number;
}

/** Durations are written in milliseconds. */
export const VIDEO_TIMESCALE = 1000;
/** One picture a second: the keyframe, then pictures that repeat it (the last one may be shorter). */
export const PICTURE_DURATION = VIDEO_TIMESCALE;
/** The most recent files kept, so repeated and ranged downloads of a video reuse its bytes. */
export const VIDEO_MEMO_LIMIT = 32;

interface Keyframe {
  sps: Sps;
  pps: Pps;
  idr: Uint8Array;
}

// Memos of pure functions (decision 008): the keyframes decoded and parsed once per frame size (as
// many as fixtures/videos holds), and the last VIDEO_MEMO_LIMIT files, least recently used out first.
const keyframes = new Map<string, Keyframe>();
const files = new Map<string, Uint8Array<ArrayBuffer>>();

function keyframeFor(width: number, height: number): Keyframe {
  const name = `${width}x${height}`;
  let keyframe = keyframes.get(name);
  if (keyframe !== undefined) return keyframe;
  const base64 = keyframesBase64[name];
  if (base64 === undefined) {
    throw new RangeError(`No keyframe for a ${name} video; fixtures/videos has ${Object.keys(keyframesBase64).join(', ')}`);
  }
  const units = splitAnnexB(Uint8Array.from(atob(base64), (c) => c.charCodeAt(0)));
  const unit = (type: number): Uint8Array => {
    const found = units.find((u) => nalUnitType(u) === type);
    if (found === undefined) throw new Error(`fixtures/videos/${name}.h264 has no NAL unit of type ${type}`);
    return found;
  };
  keyframe = { sps: parseSps(unit(7)), pps: parsePps(unit(8)), idr: unit(5) };
  if (keyframe.sps.width !== width || keyframe.sps.height !== height) {
    throw new Error(`fixtures/videos/${name}.h264 is ${keyframe.sps.width}x${keyframe.sps.height}`);
  }
  keyframes.set(name, keyframe);
  return keyframe;
}

function stillVideo({ duration, width, height }: VideoShape): Uint8Array<ArrayBuffer> {
  if (!(duration >= durationRange.min && duration <= durationRange.max)) {
    throw new RangeError(`A video lasts ${durationRange.min} to ${durationRange.max} s (the spec's duration), not ${duration}`);
  }
  const { sps, pps, idr } = keyframeFor(width, height);
  const total = Math.round(duration * VIDEO_TIMESCALE);
  const pictures = Math.ceil(total / PICTURE_DURATION);
  const samples: AvcSample[] = [];
  for (let i = 0; i < pictures; i++) {
    samples.push({
      units: [i === 0 ? idr : skipSlice(sps, pps, i)],
      duration: Math.min(PICTURE_DURATION, total - i * PICTURE_DURATION),
      sync: i === 0,
    });
  }
  return writeMp4({ width, height, timescale: VIDEO_TIMESCALE, sps: sps.unit, pps: pps.unit, samples });
}

/**
 * The MP4 served for a completed job: an H.264 still of the job's frame size (fixtures/videos,
 * encoded once by scripts/encode-keyframes.ts) that lasts the job's duration, in its container
 * (mvhd, tkhd, mdhd) and in its samples. The same shape always gives the same bytes, so a client
 * may resume with Range and If-Range. Callers must not modify the array.
 */
export function videoFor(shape: VideoShape): Uint8Array<ArrayBuffer> {
  const key = `${shape.duration}s ${shape.width}x${shape.height}`;
  let bytes = files.get(key);
  if (bytes !== undefined) {
    files.delete(key);
  } else {
    bytes = stillVideo(shape);
    if (files.size >= VIDEO_MEMO_LIMIT) files.delete(files.keys().next().value as string);
  }
  files.set(key, bytes);
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
