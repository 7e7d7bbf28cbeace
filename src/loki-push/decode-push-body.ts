import { gunzipSync, inflateRawSync, type ZlibOptions } from 'node:zlib';
import { GatehouseError } from '../errors/gatehouse-error.js';
import { malformedBody } from '../remote-write/malformed-body.js';
import { decodeSnappyBlock } from '../remote-write/snappy-block.js';
import type { LokiPushLimits } from './loki-push-limits.js';
import type { PushContent, PushEncoding } from './push-content.js';

type Inflater = (body: Buffer, options: ZlibOptions) => Buffer;

/**
 * Undoes a push body's compression: Content-Encoding first, then, for protobuf, the snappy block
 * Loki always expects there (util.ParseProtoReader with RawSnappy). Nothing is decoded past
 * `maxDecodedBodyBytes`: gzip and deflate stop inflating at the limit, and a snappy block that
 * announces more is refused before it is decoded.
 */
export function decodePushBody(body: Buffer, content: PushContent, limits: LokiPushLimits): Buffer {
  if (body.length > limits.maxBodyBytes) {
    throw new GatehouseError('BODY_TOO_LARGE', { limit: limits.maxBodyBytes });
  }
  if (body.length === 0) throw malformedBody('empty push body');

  const unwrapped = undoContentEncoding(body, content.encoding, limits.maxDecodedBodyBytes);
  if (content.format === 'protobuf') {
    return decodeSnappyBlock(unwrapped, limits.maxDecodedBodyBytes);
  }

  if (unwrapped.length > limits.maxDecodedBodyBytes) {
    throw new GatehouseError('BODY_DECODED_TOO_LARGE', {
      size: unwrapped.length,
      limit: limits.maxDecodedBodyBytes,
    });
  }
  return unwrapped;
}

/**
 * `deflate` is raw DEFLATE (RFC 1951) because Loki reads it with Go's compress/flate, not the
 * zlib wrapper (RFC 1950) that HTTP's `deflate` names: a body Loki could not read is refused here.
 */
function undoContentEncoding(body: Buffer, encoding: PushEncoding, limit: number): Buffer {
  switch (encoding) {
    case 'none':
      return body;
    case 'gzip':
      return inflate(gunzipSync, body, limit, 'gzip');
    case 'deflate':
      return inflate(inflateRawSync, body, limit, 'deflate');
    default:
      return assertNever(encoding);
  }
}

/** zlib stops and throws once the output would pass `maxOutputLength`, so a bomb costs little. */
function inflate(inflater: Inflater, body: Buffer, limit: number, name: string): Buffer {
  try {
    return inflater(body, { maxOutputLength: limit });
  } catch (error) {
    if (isOutputTooLarge(error)) {
      throw new GatehouseError('BODY_DECODED_TOO_LARGE', { size: `more than ${limit}`, limit });
    }
    throw malformedBody(`${name}: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function isOutputTooLarge(error: unknown): boolean {
  return error instanceof RangeError && 'code' in error && error.code === 'ERR_BUFFER_TOO_LARGE';
}

function assertNever(value: never): never {
  throw new Error(`unexpected push encoding ${String(value)}`);
}
