import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { keyframesBase64 } from '../../src/generated/fixtures.js';
import { BitReader } from '../../src/sim/h264/bit-reader.js';
import { BitWriter } from '../../src/sim/h264/bit-writer.js';
import { escapeRbsp, nalUnitType, splitAnnexB, unescapeRbsp } from '../../src/sim/h264/nal-units.js';
import { parsePps, parseSps } from '../../src/sim/h264/parameter-sets.js';
import { skipSlice } from '../../src/sim/h264/skip-slice.js';

const fields = fc.array(
  fc.oneof(
    fc.record({ kind: fc.constant('ue' as const), value: fc.oneof(fc.nat({ max: 8 }), fc.nat({ max: 2 ** 31 - 2 })) }),
    fc.record({ kind: fc.constant('se' as const), value: fc.oneof(fc.integer({ min: -4, max: 4 }), fc.integer({ min: -(2 ** 30), max: 2 ** 30 })) }),
    fc.integer({ min: 1, max: 32 }).chain((n) => fc.record({ kind: fc.constant('bits' as const), n: fc.constant(n), value: fc.nat({ max: 2 ** n - 1 }) })),
  ),
  { maxLength: 40 },
);

function keyframe(name: string) {
  const units = splitAnnexB(Buffer.from(keyframesBase64[name] ?? '', 'base64'));
  const unit = (type: number) => units.find((u) => nalUnitType(u) === type) as Uint8Array;
  return { units, sps: parseSps(unit(7)), pps: parsePps(unit(8)) };
}

describe('H.264 bit syntax', () => {
  test.prop([fields])('reads back every Exp-Golomb and fixed-width field it writes', (written) => {
    const w = new BitWriter();
    for (const f of written) {
      if (f.kind === 'bits') w.bits(f.n, f.value);
      else w[f.kind](f.value);
    }
    const r = new BitReader(w.finish());
    for (const f of written) expect(f.kind === 'bits' ? r.bits(f.n) : r[f.kind]()).toBe(f.value);
    expect(r.bit()).toBe(1); // rbsp_stop_one_bit
  });

  it('writes ue(v) as the standard codes (0 -> 1, 1 -> 010, 4 -> 00101)', () => {
    expect([...new BitWriter().ue(0).ue(1).ue(4).finish()]).toEqual([0b1010_0010, 0b1100_0000]);
  });

  test.prop([fc.uint8Array({ maxLength: 200 }).map((a) => a.map((b) => (b < 200 ? b % 4 : b)))])(
    'escapes an RBSP so that no start code appears in the unit, and unescapes it back',
    (rbsp) => {
      const unit = escapeRbsp(0x41, rbsp);
      for (let i = 1; i + 2 < unit.length; i++) expect(unit[i] === 0 && unit[i + 1] === 0 && (unit[i + 2] as number) <= 2).toBe(false);
      expect([...unescapeRbsp(unit)]).toEqual([...rbsp]);
    },
  );
});

describe('the committed keyframes', () => {
  it.each(Object.keys(keyframesBase64))('%s holds an SPS, a PPS and an IDR slice of that frame size, in Constrained Baseline', (name) => {
    const { units, sps } = keyframe(name);
    expect(units.map(nalUnitType)).toEqual([7, 8, 5]);
    expect(`${sps.width}x${sps.height}`).toBe(name);
    expect(sps.profileIdc).toBe(66);
    expect(sps.constraintFlags & 0x40).toBe(0x40); // constraint_set1_flag: Constrained Baseline
  });
});

describe('skip pictures', () => {
  it("count frame_num up from the IDR's 0, wrapping at MaxFrameNum", () => {
    const { sps, pps } = keyframe('1920x1080');
    const maxFrameNum = 2 ** sps.log2MaxFrameNum;
    const frameNums = [1, 2, maxFrameNum - 1, maxFrameNum, maxFrameNum + 3].map((index) => {
      const unit = skipSlice(sps, pps, index);
      expect(unit[0]).toBe(0x41); // nal_ref_idc 2, nal_unit_type 1
      const r = new BitReader(unescapeRbsp(unit));
      expect([r.ue(), r.ue(), r.ue()]).toEqual([0, 5, pps.id]); // first_mb_in_slice, slice_type P, pps id
      return r.bits(sps.log2MaxFrameNum);
    });
    expect(frameNums).toEqual([1, 2, maxFrameNum - 1, 0, 3]);
  });

  it('skip every macroblock of the picture', () => {
    const { sps, pps } = keyframe('854x480');
    const r = new BitReader(unescapeRbsp(skipSlice(sps, pps, 1)));
    r.ue(); r.ue(); r.ue(); r.bits(sps.log2MaxFrameNum);
    expect([r.bit(), r.ue(), r.bit(), r.bit(), r.se()]).toEqual([1, 0, 0, 0, 0]);
    if (pps.deblockingFilterControlPresent) expect(r.ue()).toBe(1);
    expect(r.ue()).toBe(54 * 30); // mb_skip_run: 854x480 is coded as 864x480, 54 x 30 macroblocks
  });

  it('refuses to stand in for the IDR', () => {
    const { sps, pps } = keyframe('480x480');
    expect(() => skipSlice(sps, pps, 0)).toThrow(RangeError);
  });
});
