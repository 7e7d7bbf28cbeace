import { malformedBody } from './malformed-body.js';

const LITERAL = 0;
const COPY_1 = 1;
const COPY_2 = 2;
const COPY_4 = 3;

/**
 * Walks the element stream of a snappy block (google/snappy format_description.txt: after the
 * length preamble come literals and back-references, each starting with a tag byte whose low
 * two bits give its kind) without producing output, and fails unless it is complete and decodes
 * to exactly `expected` bytes.
 *
 * snappyjs 0.7.0 does not do this itself: it silently drops output past the announced length,
 * zero-fills a short one, and zero-fills a truncated 1-byte-offset copy, so every body passes
 * through here before snappyjs allocates its output.
 */
export function checkSnappyElements(body: Uint8Array, start: number, expected: number): void {
  const cursor = new ElementCursor(body, start);

  while (cursor.pos < body.length) {
    cursor.step();
    if (cursor.out > expected) {
      throw malformedBody(`snappy data decodes past the ${expected} bytes its preamble announces`);
    }
  }

  if (cursor.out !== expected) {
    throw malformedBody(
      `snappy data decodes to ${cursor.out} bytes, its preamble announces ${expected}`,
    );
  }
}

class ElementCursor {
  /** Bytes the elements read so far would have produced. */
  out = 0;

  constructor(
    private readonly body: Uint8Array,
    public pos: number,
  ) {}

  step(): void {
    const tag = this.body[this.pos] as number;
    const kind = (tag & 3) as 0 | 1 | 2 | 3;
    switch (kind) {
      case LITERAL:
        return this.literal(tag >>> 2);
      case COPY_1:
        return this.copy(4 + ((tag >>> 2) & 7), 1, (tag >>> 5) * 256);
      case COPY_2:
        return this.copy((tag >>> 2) + 1, 2, 0);
      case COPY_4:
        return this.copy((tag >>> 2) + 1, 4, 0);
      default:
        return assertNever(kind);
    }
  }

  /** Lengths up to 60 live in the tag; codes 60-63 say 1-4 little-endian length bytes follow. */
  private literal(code: number): void {
    const extra = code < 60 ? 0 : code - 59;
    const length = (extra === 0 ? code : this.littleEndian(this.pos + 1, extra)) + 1;
    const dataStart = this.pos + 1 + extra;
    if (length > this.body.length - dataStart) {
      throw malformedBody(`snappy literal at byte ${this.pos} runs past the end of the body`);
    }

    this.pos = dataStart + length;
    this.out += length;
  }

  /** A back-reference must point inside what is already decoded; offset 0 is invalid. */
  private copy(length: number, offsetBytes: number, offsetHigh: number): void {
    const offset = offsetHigh + this.littleEndian(this.pos + 1, offsetBytes);
    if (offset === 0 || offset > this.out) {
      throw malformedBody(
        `snappy copy at byte ${this.pos} has offset ${offset} outside the decoded data`,
      );
    }

    this.pos += 1 + offsetBytes;
    this.out += length;
  }

  /** Unsigned little-endian read; multiplication keeps 32-bit values from turning negative. */
  private littleEndian(at: number, width: number): number {
    if (at + width > this.body.length) {
      throw malformedBody(`snappy element at byte ${this.pos} is truncated`);
    }

    let value = 0;
    for (let i = width - 1; i >= 0; i--) value = value * 256 + (this.body[at + i] as number);
    return value;
  }
}

function assertNever(value: never): never {
  throw new Error(`unexpected snappy element kind ${String(value)}`);
}
