import { BitReader } from './bit-reader.js';
import { nalUnitType, unescapeRbsp } from './nal-units.js';

/** What a skip slice and an MP4 sample entry need from a sequence parameter set (H.264 7.3.2.1.1). */
export interface Sps {
  /** The NAL unit as it goes into `avcC`. */
  unit: Uint8Array;
  profileIdc: number;
  constraintFlags: number;
  levelIdc: number;
  id: number;
  log2MaxFrameNum: number;
  maxNumRefFrames: number;
  widthInMbs: number;
  heightInMbs: number;
  /** The displayed size: the coded macroblocks less the cropping window. */
  width: number;
  height: number;
}

/** What a skip slice needs from a picture parameter set (H.264 7.3.2.2). */
export interface Pps {
  unit: Uint8Array;
  id: number;
  spsId: number;
  deblockingFilterControlPresent: boolean;
}

// Profiles whose SPS carries chroma_format_idc, bit depths and scaling lists (7.3.2.1.1); the
// keyframes are encoded in Constrained Baseline, which has none of them.
const HIGH_PROFILES = new Set([100, 110, 122, 244, 44, 83, 86, 118, 128, 138, 139, 134, 135]);

const unsupported = (what: string): Error =>
  new Error(`Unsupported H.264 parameter set: ${what} (encode the keyframes with scripts/encode-keyframes.ts)`);

export function parseSps(unit: Uint8Array): Sps {
  if (nalUnitType(unit) !== 7) throw new Error(`Not an SPS: NAL unit type ${nalUnitType(unit)}`);
  const r = new BitReader(unescapeRbsp(unit));
  const profileIdc = r.bits(8);
  const constraintFlags = r.bits(8);
  const levelIdc = r.bits(8);
  const id = r.ue();
  if (HIGH_PROFILES.has(profileIdc)) throw unsupported(`profile_idc ${profileIdc}`);
  const log2MaxFrameNum = r.ue() + 4;
  const picOrderCntType = r.ue();
  // Type 2 (output order is decoding order) is what x264 writes without B pictures, and what lets a
  // slice header carry no picture order count at all.
  if (picOrderCntType !== 2) throw unsupported(`pic_order_cnt_type ${picOrderCntType}`);
  const maxNumRefFrames = r.ue();
  r.bit(); // gaps_in_frame_num_value_allowed_flag
  const widthInMbs = r.ue() + 1;
  const heightInMapUnits = r.ue() + 1;
  if (r.bit() !== 1) throw unsupported('interlaced coding (frame_mbs_only_flag 0)');
  r.bit(); // direct_8x8_inference_flag
  let crop = { left: 0, right: 0, top: 0, bottom: 0 };
  if (r.bit() === 1) crop = { left: r.ue(), right: r.ue(), top: r.ue(), bottom: r.ue() };
  // 4:2:0 progressive: the cropping offsets count pairs of luma samples (CropUnitX = CropUnitY = 2).
  return {
    unit,
    profileIdc,
    constraintFlags,
    levelIdc,
    id,
    log2MaxFrameNum,
    maxNumRefFrames,
    widthInMbs,
    heightInMbs: heightInMapUnits,
    width: widthInMbs * 16 - 2 * (crop.left + crop.right),
    height: heightInMapUnits * 16 - 2 * (crop.top + crop.bottom),
  };
}

export function parsePps(unit: Uint8Array): Pps {
  if (nalUnitType(unit) !== 8) throw new Error(`Not a PPS: NAL unit type ${nalUnitType(unit)}`);
  const r = new BitReader(unescapeRbsp(unit));
  const id = r.ue();
  const spsId = r.ue();
  if (r.bit() !== 0) throw unsupported('CABAC (entropy_coding_mode_flag 1)');
  r.bit(); // bottom_field_pic_order_in_frame_present_flag: no effect with pic_order_cnt_type 2
  if (r.ue() !== 0) throw unsupported('slice groups');
  r.ue(); // num_ref_idx_l0_default_active_minus1: each skip slice overrides it
  r.ue(); // num_ref_idx_l1_default_active_minus1
  if (r.bit() !== 0) throw unsupported('weighted prediction');
  r.bits(2); // weighted_bipred_idc
  r.se(); // pic_init_qp_minus26
  r.se(); // pic_init_qs_minus26
  r.se(); // chroma_qp_index_offset
  const deblockingFilterControlPresent = r.bit() === 1;
  r.bit(); // constrained_intra_pred_flag
  if (r.bit() !== 0) throw unsupported('redundant pictures');
  return { unit, id, spsId, deblockingFilterControlPresent };
}
