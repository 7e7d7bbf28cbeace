import type { GatehouseError } from '../errors/gatehouse-error.js';
import { malformedBody } from './malformed-body.js';
import { wireType } from './prompb-fields.js';

/** Protobuf caps varints at 10 bytes (64 bits) and field numbers at 2^29 - 1. */
const MAX_VARINT_BYTES = 10;
const TAG_LIMIT = 2 ** 32;

/**
 * A cursor over protobuf wire format (https://protobuf.dev/programming-guides/encoding/).
 * Every read takes the end of the enclosing message, so a nested length can never reach past
 * its parent. It allocates nothing while reading: it runs over every sample of every write.
 */
export class WireReader {
  pos = 0;

  constructor(readonly buf: Uint8Array) {}

  /** Reads an unsigned varint; exact up to 2^53, which covers every length and tag we use. */
  varint(end: number): number {
    // Fast path: tags and most lengths in a write request fit in one byte.
    const first = this.pos < end ? (this.buf[this.pos] as number) : 0x80;
    if (first < 0x80) {
      this.pos++;
      return first;
    }

    return this.longVarint(end);
  }

  private longVarint(end: number): number {
    const start = this.pos;
    let result = 0;
    let scale = 1;
    for (let i = 0; i < MAX_VARINT_BYTES; i++) {
      if (this.pos >= end) throw malformedBody(`truncated varint starting at byte ${start}`);

      const byte = this.buf[this.pos++] as number;
      result += (byte & 0x7f) * scale;
      if (byte < 0x80) return result;

      scale *= 128;
    }
    throw malformedBody(`varint at byte ${start} is longer than ${MAX_VARINT_BYTES} bytes`);
  }

  /** Steps over a varint without computing it: timestamps take 6 bytes, and one per sample. */
  skipVarint(end: number): void {
    const limit = Math.min(end, this.pos + MAX_VARINT_BYTES);
    for (let at = this.pos; at < limit; at++) {
      if ((this.buf[at] as number) < 0x80) {
        this.pos = at + 1;
        return;
      }
    }

    // Let the reading path report the failure with its precise reason.
    this.longVarint(end);
  }

  /** Reads a field tag, `(field number << 3) | wire type`; field number 0 does not exist. */
  tag(end: number): number {
    const start = this.pos;
    const tag = this.varint(end);
    if (tag >= TAG_LIMIT) throw malformedBody(`field number out of range at byte ${start}`);
    if (tag < 8) throw malformedBody(`field number 0 at byte ${start}`);

    return tag;
  }

  /** Reads the length prefix of a length-delimited field and returns where its payload ends. */
  lengthEnd(end: number): number {
    const start = this.pos;
    const length = this.varint(end);
    if (length > end - this.pos) {
      throw malformedBody(`length ${length} at byte ${start} runs past the end of its message`);
    }

    return this.pos + length;
  }

  /** Steps over one field value of the given wire type. */
  skip(type: number, end: number): void {
    switch (type) {
      case wireType.varint:
        this.skipVarint(end);
        return;
      case wireType.fixed64:
        this.fixed(8, end);
        return;
      case wireType.lengthDelimited:
        this.pos = this.lengthEnd(end);
        return;
      case wireType.fixed32:
        this.fixed(4, end);
        return;
      default:
        throw badWireType(type, this.pos);
    }
  }

  /** Steps over a fixed-width value (fixed32/fixed64, float/double). */
  fixed(width: number, end: number): void {
    if (end - this.pos < width) {
      throw malformedBody(`truncated ${width * 8}-bit value at byte ${this.pos}`);
    }

    this.pos += width;
  }

  /** Fails unless a known field arrived with the wire type its declaration implies. */
  expect(type: number, expected: number, field: string): void {
    if (type !== expected) {
      throw malformedBody(
        `${field} has wire type ${type}, expected ${expected} (byte ${this.pos})`,
      );
    }
  }
}

/**
 * Groups (wire types 3 and 4) are deprecated and appear nowhere in prompb; 6 and 7 do not exist.
 * Refusing them keeps the walker simple and every receiver's view of the body identical.
 */
function badWireType(type: number, at: number): GatehouseError {
  const kind = type === wireType.startGroup || type === wireType.endGroup ? ' (group)' : '';
  return malformedBody(`unsupported wire type ${type}${kind} before byte ${at}`);
}
