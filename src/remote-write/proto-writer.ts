import { wireType } from './prompb-fields.js';

/**
 * A small growable protobuf writer for building requests in tests, the demo and benchmarks.
 * Not used on the request path: forceLabel splices bytes instead of re-encoding messages.
 */
export class ProtoWriter {
  private buf = Buffer.allocUnsafe(256);
  private length = 0;

  /** Appends bytes as they are: lets tests build non-canonical or malformed input. */
  raw(bytes: Uint8Array | readonly number[]): this {
    this.reserve(bytes.length);
    this.buf.set(bytes, this.length);
    this.length += bytes.length;
    return this;
  }

  /** Appends an unsigned varint; `value` must be a non-negative safe integer or a bigint. */
  varint(value: number | bigint): this {
    let rest = BigInt(value);
    if (rest < 0n) throw new RangeError(`varint cannot encode ${value}`);

    const bytes: number[] = [];
    while (rest >= 0x80n) {
      bytes.push(Number(rest & 0x7fn) | 0x80);
      rest >>= 7n;
    }
    bytes.push(Number(rest));
    return this.raw(bytes);
  }

  tag(field: number, type: number): this {
    return this.varint(field * 8 + type);
  }

  /** int64 is two's complement in a varint, so negative values take all 10 bytes. */
  int64(field: number, value: number): this {
    return this.tag(field, wireType.varint).varint(BigInt.asUintN(64, BigInt(value)));
  }

  /** sint32/sint64 use zigzag encoding: 0, -1, 1, -2 ... become 0, 1, 2, 3 ... */
  sint(field: number, value: number): this {
    const zigzag = BigInt.asUintN(64, (BigInt(value) << 1n) ^ (BigInt(value) < 0n ? -1n : 0n));
    return this.tag(field, wireType.varint).varint(zigzag);
  }

  double(field: number, value: number): this {
    const bytes = Buffer.allocUnsafe(8);
    bytes.writeDoubleLE(value);
    return this.tag(field, wireType.fixed64).raw(bytes);
  }

  bytes(field: number, payload: Uint8Array): this {
    return this.tag(field, wireType.lengthDelimited).varint(payload.length).raw(payload);
  }

  string(field: number, text: string): this {
    return this.bytes(field, Buffer.from(text, 'utf8'));
  }

  /** Writes a nested message built by `build` into its own writer. */
  message(field: number, build: (writer: ProtoWriter) => void): this {
    const nested = new ProtoWriter();
    build(nested);
    return this.bytes(field, nested.finish());
  }

  finish(): Buffer {
    return Buffer.from(this.buf.subarray(0, this.length));
  }

  private reserve(extra: number): void {
    if (this.length + extra <= this.buf.length) return;

    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + extra));
    this.buf.copy(grown, 0, 0, this.length);
    this.buf = grown;
  }
}
