import { BitWriter } from './bit-writer.js';
import { escapeRbsp } from './nal-units.js';
import type { Pps, Sps } from './parameter-sets.js';

// nal_ref_idc 2, nal_unit_type 1 (a slice of a non-IDR picture).
const P_SLICE_HEADER_BYTE = (2 << 5) | 1;
// slice_type 5: P, and every slice of the picture is P (7.4.3, table 7-6).
const P_ALL_SLICES = 5;

/**
 * The `index`-th picture after the IDR as one P slice in which every macroblock is skipped
 * (H.264 7.3.3 and 7.3.4, CAVLC): it repeats the picture before it, in a few bytes whatever the size.
 * Each is a reference picture whose frame_num is one more than the last (modulo MaxFrameNum): with
 * pic_order_cnt_type 2 the order count follows frame_num, and two non-reference pictures in a row
 * are not allowed (7.4.2.1.1), so identical non-reference copies would not be a valid stream.
 */
export function skipSlice(sps: Sps, pps: Pps, index: number): Uint8Array {
  if (!Number.isInteger(index) || index < 1) throw new RangeError(`A skip picture follows the IDR: index >= 1, not ${index}`);
  if (sps.maxNumRefFrames < 1) throw new Error('The SPS allows no reference frame for P slices to predict from');
  const w = new BitWriter()
    .ue(0) // first_mb_in_slice
    .ue(P_ALL_SLICES)
    .ue(pps.id)
    .bits(sps.log2MaxFrameNum, index % 2 ** sps.log2MaxFrameNum) // frame_num
    .bit(1).ue(0) // num_ref_idx_active_override_flag, num_ref_idx_l0_active_minus1: one reference
    .bit(0) // ref_pic_list_modification_flag_l0
    .bit(0) // dec_ref_pic_marking: adaptive_ref_pic_marking_mode_flag (sliding window)
    .se(0); // slice_qp_delta
  if (pps.deblockingFilterControlPresent) w.ue(1); // disable_deblocking_filter_idc: nothing to filter
  w.ue(sps.widthInMbs * sps.heightInMbs); // slice_data: mb_skip_run over the whole picture
  return escapeRbsp(P_SLICE_HEADER_BYTE, w.finish());
}
