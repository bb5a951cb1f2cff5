import { fc, test } from '@fast-check/vitest';
import { BufferSource, EncodedPacketSink, Input, MP4 } from 'mediabunny';
import { describe, expect, it } from 'vitest';
import { aspectRatioValues, resolutionTierValues } from '../../src/generated/api.js';
import { nalUnitType } from '../../src/sim/h264/nal-units.js';
import { parseSps } from '../../src/sim/h264/parameter-sets.js';
import { PICTURE_DURATION, VIDEO_TIMESCALE, videoFor, type VideoShape } from '../../src/sim/media.js';
import { frameSizeOf } from '../../src/sim/resolution.js';
import { durationRange } from '../../src/sim/spec-values.js';
import { boxAt, fullBoxWords, readBoxes } from '../support/mp4-boxes.js';

/** What the file says about itself, read box by box; throws where the boxes disagree with each other. */
function inspect(file: Uint8Array) {
  const boxes = readBoxes(file);
  const [, , movieTimescale = 0, movieDuration = 0] = fullBoxWords(boxAt(boxes, 'moov/mvhd'));
  const tkhd = boxAt(boxes, 'moov/trak/tkhd');
  const [, , mediaTimescale = 0, mediaDuration = 0] = fullBoxWords(boxAt(boxes, 'moov/trak/mdia/mdhd'));
  const stbl = 'moov/trak/mdia/minf/stbl';
  const avc1 = boxAt(boxes, `${stbl}/stsd/avc1`);
  const avcC = boxAt(avc1.children, 'avcC').payload;
  const sps = parseSps(new Uint8Array(avcC.buffer, avcC.byteOffset + 8, avcC.getUint16(6)));
  const [runCount = 0, ...runs] = fullBoxWords(boxAt(boxes, `${stbl}/stts`));
  const [fixedSize, sampleCount = 0, ...sizes] = fullBoxWords(boxAt(boxes, `${stbl}/stsz`));
  const [chunks, firstChunk, perChunk] = fullBoxWords(boxAt(boxes, `${stbl}/stsc`));
  const [offsets, offset = 0] = fullBoxWords(boxAt(boxes, `${stbl}/stco`));
  const [, ...syncSamples] = fullBoxWords(boxAt(boxes, `${stbl}/stss`));
  const mdat = boxAt(boxes, 'mdat');

  const durations = Array.from({ length: runCount }, (_, i) => Array<number>(runs[2 * i] ?? 0).fill(runs[2 * i + 1] ?? 0)).flat();
  expect(runs).toHaveLength(2 * runCount);
  expect([fixedSize, sizes.length, durations.length]).toEqual([0, sampleCount, sampleCount]);
  expect([chunks, firstChunk, perChunk, offsets]).toEqual([1, 1, sampleCount, 1]);
  // The one chunk starts where mdat's payload starts and the samples fill it exactly.
  expect(offset).toBe(mdat.start + 8);
  expect(sizes.reduce((a, b) => a + b, 0)).toBe(mdat.size - 8);
  let at = offset;
  const nalTypes = sizes.map((size) => {
    const types: number[] = [];
    for (let end = at + size; at < end; ) {
      const length = new DataView(file.buffer, file.byteOffset).getUint32(at);
      if (at + 4 + length > end) throw new Error(`a NAL unit overruns its sample at ${at}`);
      types.push(nalUnitType(file.subarray(at + 4, at + 4 + length)));
      at += 4 + length;
    }
    return types;
  });

  return {
    topLevel: boxes.map((b) => b.type),
    movieSeconds: movieDuration / movieTimescale,
    trackSeconds: (fullBoxWords(tkhd)[4] ?? 0) / movieTimescale,
    mediaSeconds: mediaDuration / mediaTimescale,
    sampleSeconds: durations.reduce((a, b) => a + b, 0) / mediaTimescale,
    longestSample: Math.max(...durations),
    sampleCount,
    syncSamples,
    nalTypes,
    // tkhd's width and height are 16.16 fixed point, its last two fields.
    trackSize: [tkhd.payload.getUint32(tkhd.payload.byteLength - 8) / 65536, tkhd.payload.getUint32(tkhd.payload.byteLength - 4) / 65536],
    sampleEntrySize: [avc1.payload.getUint16(24), avc1.payload.getUint16(26)],
    spsSize: [sps.width, sps.height],
  };
}

/** The same file as mediabunny's MP4 demuxer reads it. */
async function demux(file: Uint8Array) {
  const input = new Input({ source: new BufferSource(file), formats: [MP4] });
  const track = await input.getPrimaryVideoTrack();
  if (track === null) throw new Error('mediabunny finds no video track');
  const packets = [];
  for await (const p of new EncodedPacketSink(track).packets()) packets.push({ type: p.type, timestamp: p.timestamp, duration: p.duration });
  return {
    codec: await track.getCodecParameterString(),
    size: [await track.getDisplayWidth(), await track.getDisplayHeight()],
    duration: await input.computeDuration(),
    packets,
  };
}

function expectSays(file: Uint8Array, { duration, width, height }: VideoShape): void {
  const pictures = Math.ceil((duration * VIDEO_TIMESCALE) / PICTURE_DURATION);
  expect(inspect(file)).toEqual({
    topLevel: ['ftyp', 'moov', 'mdat'],
    movieSeconds: duration,
    trackSeconds: duration,
    mediaSeconds: duration,
    sampleSeconds: duration,
    longestSample: Math.min(PICTURE_DURATION, duration * VIDEO_TIMESCALE),
    sampleCount: pictures,
    syncSamples: [1],
    nalTypes: [[5], ...Array<number[]>(pictures - 1).fill([1])],
    trackSize: [width, height],
    sampleEntrySize: [width, height],
    spsSize: [width, height],
  });
}

// Every request the spec allows: each whole-second duration in its range, each aspect ratio and tier.
const durations = Array.from({ length: durationRange.max - durationRange.min + 1 }, (_, i) => durationRange.min + i);
const shapes = durations.flatMap((duration) =>
  aspectRatioValues.flatMap((ratio) => resolutionTierValues.map((tier) => ({ duration, ratio, tier, ...frameSizeOf(ratio, tier) }))),
);

describe('the served MP4', () => {
  it(`says its duration and frame size in every box, for all ${shapes.length} durations x aspect ratios x tiers the spec allows`, () => {
    for (const { duration, width, height } of shapes) expectSays(videoFor({ duration, width, height }), { duration, width, height });
  });

  it('is read alike by an independent demuxer (mediabunny), for every shape the spec allows', async () => {
    for (const { duration, width, height } of shapes) {
      const read = await demux(videoFor({ duration, width, height }));
      expect(read.codec).toMatch(/^avc1\.42c0[0-9a-f]{2}$/);
      expect(read.size).toEqual([width, height]);
      expect(read.duration).toBe(duration);
      expect(read.packets.map((p) => p.type)).toEqual(['key', ...Array<string>(read.packets.length - 1).fill('delta')]);
      expect(read.packets.map((p) => p.timestamp)).toEqual(read.packets.map((_, i) => (i * PICTURE_DURATION) / VIDEO_TIMESCALE));
      expect(read.packets.reduce((sum, p) => sum + p.duration, 0)).toBeCloseTo(duration, 9);
    }
  });

  // result.duration is a number: a dialect or profile may ask for fractions of a second.
  test.prop([
    fc.integer({ min: durationRange.min * VIDEO_TIMESCALE, max: durationRange.max * VIDEO_TIMESCALE }).map((ms) => ms / VIDEO_TIMESCALE),
    fc.constantFrom(...shapes.slice(0, aspectRatioValues.length * resolutionTierValues.length)),
  ])('lasts a fractional duration exactly, its last picture shortened', (duration, { width, height }) => {
    expectSays(videoFor({ duration, width, height }), { duration, width, height });
  });

  it('is the same bytes for the same shape, before and after its memo is evicted', () => {
    const first = videoFor({ duration: 5, width: 1920, height: 1080 }).slice();
    for (const { duration, width, height } of shapes.slice(0, 100)) videoFor({ duration, width, height });
    expect(videoFor({ duration: 5, width: 1920, height: 1080 })).toEqual(first);
  });

  it('stays small: under 12 KB for the largest frame and longest duration', () => {
    const largest = Math.max(...shapes.map(({ duration, width, height }) => videoFor({ duration, width, height }).byteLength));
    expect(largest).toBeLessThan(12 * 1024);
  });

  it('refuses a duration outside the spec range and a frame size it has no keyframe for', () => {
    expect(() => videoFor({ duration: durationRange.max + 1, width: 1920, height: 1080 })).toThrow(RangeError);
    expect(() => videoFor({ duration: 0, width: 1920, height: 1080 })).toThrow(RangeError);
    expect(() => videoFor({ duration: Number.NaN, width: 1920, height: 1080 })).toThrow(RangeError);
    expect(() => videoFor({ duration: 5, width: 640, height: 480 })).toThrow(/No keyframe for a 640x480 video; fixtures\/videos has .*1920x1080/);
  });
});
