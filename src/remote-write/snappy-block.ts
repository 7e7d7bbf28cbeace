import { compress, uncompress } from 'snappyjs';
import { GatehouseError } from '../errors/gatehouse-error.js';
import { checkSnappyElements } from './snappy-element-check.js';
import { malformedBody } from './malformed-body.js';

/** The snappy block preamble is a varint of at most 32 bits, so at most 5 bytes. */
const MAX_PREAMBLE_BYTES = 5;
const MAX_DECODED_LENGTH = 2 ** 32 - 1;

interface Preamble {
  decodedLength: number;
  /** Where the element stream starts. */
  end: number;
}

/**
 * Remote write bodies use the snappy *block* format (Prometheus remote write spec 1.0), not the
 * framed stream format: a varint with the decoded length, then the compressed elements.
 * Reading the preamble costs nothing, so callers can refuse a bomb before decoding.
 */
export function snappyDecodedLength(body: Uint8Array): number {
  return readPreamble(body).decodedLength;
}

/**
 * Decodes a snappy block. A preamble announcing more than `maxDecodedBytes` is refused before
 * anything is allocated; so is a body whose elements do not decode to exactly the announced
 * length (a tiny body cannot make us allocate a large buffer by lying in its preamble).
 */
export function decodeSnappyBlock(body: Uint8Array, maxDecodedBytes: number): Buffer {
  const { decodedLength, end } = readPreamble(body);
  if (decodedLength > maxDecodedBytes) {
    throw new GatehouseError('BODY_DECODED_TOO_LARGE', {
      size: decodedLength,
      limit: maxDecodedBytes,
    });
  }

  checkSnappyElements(body, end, decodedLength);
  try {
    return uncompress(asBuffer(body), maxDecodedBytes);
  } catch (error) {
    // Unreachable after the element check, kept so a snappyjs quirk still becomes a 400.
    throw malformedBody(`snappy: ${error instanceof Error ? error.message : String(error)}`);
  }
}

export function encodeSnappyBlock(raw: Uint8Array): Buffer {
  return compress(asBuffer(raw));
}

/** Read here, not by snappyjs, whose 32-bit arithmetic turns lengths from 2^31 negative. */
function readPreamble(body: Uint8Array): Preamble {
  let value = 0;
  let scale = 1;
  for (let i = 0; i < MAX_PREAMBLE_BYTES && i < body.length; i++) {
    const byte = body[i] as number;
    value += (byte & 0x7f) * scale;
    if (byte < 0x80) return checkedPreamble(value, i + 1);

    scale *= 128;
  }

  const problem = body.length < MAX_PREAMBLE_BYTES ? 'truncated' : 'longer than 5 bytes';
  throw malformedBody(`snappy length preamble is ${problem}`);
}

function checkedPreamble(decodedLength: number, end: number): Preamble {
  if (decodedLength > MAX_DECODED_LENGTH)
    throw malformedBody('snappy length preamble exceeds 32 bits');

  return { decodedLength, end };
}

/** snappyjs answers a Buffer only when given one; a view shares the memory instead of copying. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes)
    ? bytes
    : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}
