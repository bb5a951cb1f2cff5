/** Writes an RBSP bit by bit: fixed-width fields and Exp-Golomb codes (H.264 sections 7.2 and 9.1). */
export class BitWriter {
  private readonly bytes: number[] = [];
  private current = 0;
  private count = 0;

  bit(value: number): this {
    this.current = (this.current << 1) | (value & 1);
    if (++this.count === 8) {
      this.bytes.push(this.current);
      this.current = 0;
      this.count = 0;
    }
    return this;
  }

  /** u(n): the low n bits of value, n <= 32. */
  bits(n: number, value: number): this {
    for (let i = n - 1; i >= 0; i--) this.bit(value >>> i);
    return this;
  }

  /** ue(v): `zeros` zero bits, then value + 1 in zeros + 1 bits. */
  ue(value: number): this {
    const code = value + 1;
    const length = 31 - Math.clz32(code);
    return this.bits(length, 0).bits(length + 1, code);
  }

  /** se(v): positive k as 2k - 1, zero and negative k as -2k. */
  se(value: number): this {
    return this.ue(value > 0 ? 2 * value - 1 : -2 * value);
  }

  /** rbsp_trailing_bits(): a one bit, then zero bits up to the byte boundary; returns the RBSP. */
  finish(): Uint8Array {
    this.bit(1);
    while (this.count !== 0) this.bit(0);
    return Uint8Array.from(this.bytes);
  }
}
