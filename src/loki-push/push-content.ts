import { GatehouseError } from '../errors/gatehouse-error.js';

export type LokiPushFormat = 'json' | 'protobuf';

/** How the body on the wire is compressed, before protobuf's own snappy layer. */
export type PushEncoding = 'none' | 'gzip' | 'deflate';

export interface PushContent {
  format: LokiPushFormat;
  encoding: PushEncoding;
}

const formats = new Map<string, LokiPushFormat>([
  ['application/json', 'json'],
  ['application/x-protobuf', 'protobuf'],
]);

/**
 * Content-Encoding values Loki's push handler (pkg/loghttp/push) accepts. `snappy` is only a
 * hint there: the protobuf body is snappy-compressed whatever the header says, and a JSON body
 * is read as plain JSON, so Gatehouse accepts `snappy` on protobuf only.
 */
const encodings = new Map<string, PushEncoding>([
  ['', 'none'],
  ['gzip', 'gzip'],
  ['deflate', 'deflate'],
  ['snappy', 'none'],
]);

const MAX_ECHO_CHARS = 100;

/**
 * Reads the two headers that say how to decode a push body. Loki reads any Content-Type other
 * than JSON as protobuf; Gatehouse names both and refuses everything else (415), so a body is
 * only ever decoded one way.
 */
export function readPushContent(
  contentType: string | undefined,
  contentEncoding: string | undefined,
): PushContent {
  const format = readFormat(contentType);
  const encodingName = (contentEncoding ?? '').trim().toLowerCase();
  const encoding = encodings.get(encodingName);

  if (encoding === undefined || (format === 'json' && encodingName === 'snappy')) {
    throw new GatehouseError('ENCODING_UNSUPPORTED', {
      received: echo(encodingName),
      expected:
        format === 'json' ? 'gzip, deflate or none' : 'snappy (the default), gzip or deflate',
    });
  }

  return { format, encoding };
}

function readFormat(contentType: string | undefined): LokiPushFormat {
  const mediaType = (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const format = formats.get(mediaType);
  if (format !== undefined) return format;

  throw new GatehouseError('MEDIA_TYPE_UNSUPPORTED', {
    received: echo(mediaType),
    expected: 'application/json or application/x-protobuf (Loki push API)',
  });
}

/** Header values are client input: shown in the error, but never at unbounded length. */
function echo(value: string): string {
  if (value === '') return '(none)';
  return value.length > MAX_ECHO_CHARS ? `${value.slice(0, MAX_ECHO_CHARS)}...` : value;
}
