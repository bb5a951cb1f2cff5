/** Reads an RBSP bit by bit: fixed-width fields and Exp-Golomb codes (H.264 sections 7.2 and 9.1). */
export class BitReader {
  private position = 0;

  constructor(private readonly bytes: Uint8Array) {}

  bit(): number {
    const byte = this.bytes[this.position >> 3];
    if (byte === undefined) throw new RangeError('Read past the end of the RBSP');
    const value = (byte >> (7 - (this.position & 7))) & 1;
    this.position++;
    return value;
  }

  /** u(n), n <= 32. */
  bits(n: number): number {
    let value = 0;
    for (let i = 0; i < n; i++) value = value * 2 + this.bit();
    return value;
  }

  /** ue(v): unsigned Exp-Golomb. */
  ue(): number {
    let zeros = 0;
    while (this.bit() === 0) {
      if (++zeros > 31) throw new RangeError('Exp-Golomb code longer than 32 bits');
    }
    return 2 ** zeros - 1 + this.bits(zeros);
  }

  /** se(v): signed Exp-Golomb (1, -1, 2, -2, ... for codes 1, 2, 3, 4, ...). */
  se(): number {
    const k = this.ue();
    return k % 2 === 1 ? (k + 1) / 2 : 0 - k / 2;
  }
}
