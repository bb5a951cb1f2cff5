// An MP4 (ISO/IEC 14496-12, ISO base media file format) with one H.264 video track (14496-15,
// `avc1` + `avcC`): ftyp, then moov ahead of mdat so a player can start before the last byte
// arrives. Every field that could vary between runs (creation times) is zero: the same track gives
// the same bytes.

export interface AvcSample {
  /** The sample's NAL units, without start codes; written with four-byte length prefixes. */
  units: readonly Uint8Array[];
  /** In the track's timescale. */
  duration: number;
  /** A sync sample (an IDR picture), where decoding can start. */
  sync: boolean;
}

export interface AvcTrack {
  /** The displayed size, as the SPS says it. */
  width: number;
  height: number;
  /** Units per second of every duration in the file. */
  timescale: number;
  sps: Uint8Array;
  pps: Uint8Array;
  samples: readonly AvcSample[];
}

const ascii = (text: string): number[] => [...text].map((c) => c.charCodeAt(0));

/** Appends big-endian fields to a growing byte list. */
class Fields {
  readonly bytes: number[] = [];
  u8(...values: number[]): this {
    for (const v of values) this.bytes.push(v & 0xff);
    return this;
  }
  u16(...values: number[]): this {
    for (const v of values) this.bytes.push((v >>> 8) & 0xff, v & 0xff);
    return this;
  }
  u32(...values: number[]): this {
    for (const v of values) this.bytes.push((v >>> 24) & 0xff, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
    return this;
  }
  text(value: string): this {
    return this.u8(...ascii(value));
  }
  zeros(n: number): this {
    for (let i = 0; i < n; i++) this.bytes.push(0);
    return this;
  }
  raw(...parts: ReadonlyArray<ArrayLike<number>>): this {
    for (const part of parts) for (let i = 0; i < part.length; i++) this.bytes.push(part[i] as number);
    return this;
  }
}

const fields = (): Fields => new Fields();

type Part = Fields | Uint8Array;

/** A box: 32-bit size, four-character type, then the payload (fields and child boxes). */
function box(type: string, ...payload: Part[]): Uint8Array {
  const parts = payload.map((p) => (p instanceof Fields ? p.bytes : p));
  const size = parts.reduce((sum, p) => sum + p.length, 8);
  const out = new Uint8Array(size);
  out[0] = size >>> 24;
  out[1] = size >>> 16;
  out[2] = size >>> 8;
  out[3] = size;
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  let at = 8;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/** A full box: a box whose payload starts with a version byte and 24 bits of flags. */
const fullBox = (type: string, version: number, flags: number, ...payload: Part[]): Uint8Array =>
  box(type, fields().u8(version, flags >>> 16, flags >>> 8, flags), ...payload);

// The identity transformation, in 16.16 and 2.30 fixed point (14496-12 section 6.2.2).
const IDENTITY_MATRIX = [0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000];
// ISO 639-2/T "und", packed as three 5-bit letters less 0x60.
const UNDETERMINED_LANGUAGE = ((0x75 - 0x60) << 10) | ((0x6e - 0x60) << 5) | (0x64 - 0x60);
const TRACK_ID = 1;

/** Runs of equal sample durations, as `stts` stores them. */
function durationRuns(samples: readonly AvcSample[]): Array<[count: number, duration: number]> {
  const runs: Array<[number, number]> = [];
  for (const { duration } of samples) {
    const last = runs[runs.length - 1];
    if (last !== undefined && last[1] === duration) last[0]++;
    else runs.push([1, duration]);
  }
  return runs;
}

function sampleTable(track: AvcTrack, sampleSizes: readonly number[], chunkOffset: number): Uint8Array {
  const { sps, pps, samples } = track;
  const avcC = box(
    'avcC',
    fields()
      // configurationVersion, then profile, compatibility and level copied from the SPS.
      .u8(1, sps[1] ?? 0, sps[2] ?? 0, sps[3] ?? 0)
      .u8(0xfc | 3) // lengthSizeMinusOne: four-byte NAL unit lengths
      .u8(0xe0 | 1).u16(sps.length).raw(sps)
      .u8(1).u16(pps.length).raw(pps),
  );
  const avc1 = box(
    'avc1',
    fields()
      .zeros(6).u16(1) // reserved, data_reference_index
      .zeros(16) // pre_defined, reserved
      .u16(track.width, track.height)
      .u32(0x00480000, 0x00480000, 0) // 72 dpi, 72 dpi, reserved
      .u16(1) // frame_count per sample
      .zeros(32) // compressorname
      .u16(0x0018, 0xffff), // depth 24, pre_defined -1
    avcC,
  );
  const runs = durationRuns(samples);
  const syncNumbers = samples.flatMap((s, i) => (s.sync ? [i + 1] : []));
  return box(
    'stbl',
    fullBox('stsd', 0, 0, fields().u32(1), avc1),
    fullBox('stts', 0, 0, fields().u32(runs.length).u32(...runs.flat())),
    fullBox('stss', 0, 0, fields().u32(syncNumbers.length).u32(...syncNumbers)),
    // One chunk holds every sample.
    fullBox('stsc', 0, 0, fields().u32(1).u32(1, samples.length, 1)),
    fullBox('stsz', 0, 0, fields().u32(0, samples.length).u32(...sampleSizes)),
    fullBox('stco', 0, 0, fields().u32(1, chunkOffset)),
  );
}

function movie(track: AvcTrack, sampleSizes: readonly number[], chunkOffset: number): Uint8Array {
  const duration = track.samples.reduce((sum, s) => sum + s.duration, 0);
  return box(
    'moov',
    fullBox(
      'mvhd', 0, 0,
      fields()
        .u32(0, 0, track.timescale, duration) // creation and modification time, timescale, duration
        .u32(0x00010000).u16(0x0100).zeros(10) // rate 1.0, volume 1.0, reserved
        .u32(...IDENTITY_MATRIX)
        .zeros(24) // pre_defined
        .u32(TRACK_ID + 1), // next_track_ID
    ),
    box(
      'trak',
      fullBox(
        'tkhd', 0, 0x000003, // track_enabled | track_in_movie
        fields()
          .u32(0, 0, TRACK_ID, 0, duration) // creation, modification, track_ID, reserved, duration
          .zeros(8).u16(0, 0, 0, 0) // reserved, layer, alternate_group, volume (0: not audio), reserved
          .u32(...IDENTITY_MATRIX)
          .u32(track.width * 0x10000, track.height * 0x10000), // 16.16 fixed point
      ),
      box(
        'mdia',
        fullBox('mdhd', 0, 0, fields().u32(0, 0, track.timescale, duration).u16(UNDETERMINED_LANGUAGE, 0)),
        fullBox('hdlr', 0, 0, fields().u32(0).text('vide').zeros(12).text('VideoHandler').u8(0)),
        box(
          'minf',
          fullBox('vmhd', 0, 1, fields().zeros(8)), // graphicsmode copy, opcolor
          box('dinf', fullBox('dref', 0, 0, fields().u32(1), fullBox('url ', 0, 1))), // media in this file
          sampleTable(track, sampleSizes, chunkOffset),
        ),
      ),
    ),
  );
}

/** The complete file: `ftyp`, `moov`, `mdat`. */
export function writeMp4(track: AvcTrack): Uint8Array<ArrayBuffer> {
  const { samples } = track;
  if (samples.length === 0) throw new RangeError('A track needs at least one sample');
  if (samples[0]?.sync !== true) throw new RangeError('The first sample must be a sync sample');
  for (const s of samples) {
    if (!(Number.isInteger(s.duration) && s.duration > 0 && s.duration < 2 ** 32)) throw new RangeError(`Sample durations are positive 32-bit integers, not ${s.duration}`);
  }
  const sampleSizes = samples.map((s) => s.units.reduce((sum, unit) => sum + 4 + unit.length, 0));
  const mdatSize = 8 + sampleSizes.reduce((a, b) => a + b, 0);
  const ftyp = box('ftyp', fields().text('isom').u32(0x200).text('isomiso2avc1mp41'));
  // moov's size does not depend on the offset it records, so measure it once with a placeholder.
  const moovSize = movie(track, sampleSizes, 0).length;
  const moov = movie(track, sampleSizes, ftyp.length + moovSize + 8);

  const file = new Uint8Array(ftyp.length + moov.length + mdatSize);
  const view = new DataView(file.buffer);
  file.set(ftyp, 0);
  file.set(moov, ftyp.length);
  let at = ftyp.length + moov.length;
  view.setUint32(at, mdatSize);
  file.set(ascii('mdat'), at + 4);
  at += 8;
  for (const sample of samples) {
    for (const unit of sample.units) {
      view.setUint32(at, unit.length);
      file.set(unit, at + 4);
      at += 4 + unit.length;
    }
  }
  return file;
}
