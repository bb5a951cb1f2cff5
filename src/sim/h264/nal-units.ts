// H.264 NAL unit framing (ITU-T H.264, Annex B and section 7.4.1): start codes between units in a
// byte stream, and emulation prevention bytes inside a unit so that no start code appears in it.

/** The NAL units of an Annex B byte stream (`00 00 01` or `00 00 00 01` before each), start codes removed. */
export function splitAnnexB(stream: Uint8Array): Uint8Array[] {
  const starts: number[] = [];
  for (let i = 0; i + 2 < stream.length; i++) {
    if (stream[i] === 0 && stream[i + 1] === 0 && stream[i + 2] === 1) {
      starts.push(i + 3);
      i += 2;
    }
  }
  return starts.map((start, k) => {
    let end = k + 1 < starts.length ? (starts[k + 1] as number) - 3 : stream.length;
    // A four-byte start code leaves its leading zero byte (trailing_zero_8bits) at the end.
    while (end > start && stream[end - 1] === 0) end--;
    return stream.subarray(start, end);
  });
}

/** nal_unit_type (7: SPS, 8: PPS, 5: IDR slice, 1: other slice, 6: SEI). */
export const nalUnitType = (unit: Uint8Array): number => (unit[0] ?? 0) & 0x1f;

/** The RBSP of a NAL unit: its payload without the header byte and without emulation prevention bytes. */
export function unescapeRbsp(unit: Uint8Array): Uint8Array {
  const out = new Uint8Array(unit.length);
  let n = 0;
  let zeros = 0;
  for (let i = 1; i < unit.length; i++) {
    const byte = unit[i] as number;
    if (zeros >= 2 && byte === 3) {
      zeros = 0;
      continue;
    }
    zeros = byte === 0 ? zeros + 1 : 0;
    out[n++] = byte;
  }
  return out.subarray(0, n);
}

/** A NAL unit from its header byte and RBSP, inserting `03` wherever two zero bytes precede a byte <= 3. */
export function escapeRbsp(header: number, rbsp: Uint8Array): Uint8Array {
  const out: number[] = [header];
  let zeros = 0;
  for (const byte of rbsp) {
    if (zeros >= 2 && byte <= 3) {
      out.push(3);
      zeros = 0;
    }
    out.push(byte);
    zeros = byte === 0 ? zeros + 1 : 0;
  }
  return Uint8Array.from(out);
}
