// snappyjs 0.7.0 ships no types; these cover the two functions Gatehouse calls (see its index.js).
declare module 'snappyjs' {
  /** Decodes a snappy block; throws a plain Error when the preamble exceeds `maxLength`. */
  export function uncompress(compressed: Buffer, maxLength?: number): Buffer;
  export function compress(uncompressed: Buffer): Buffer;
}
