import { deflateRawSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ProtoWriter } from '../remote-write/proto-writer.js';
import { encodeSnappyBlock } from '../remote-write/snappy-block.js';
import { encodePushRequest, type TestStream } from './encode-push-request.js';
import { inspectLokiPush } from './inspect-loki-push.js';
import type { LokiPushLimits } from './loki-push-limits.js';

const JSON_TYPE = 'application/json';
const PROTO_TYPE = 'application/x-protobuf';
const limits: LokiPushLimits = { maxBodyBytes: 64 * 1024, maxDecodedBodyBytes: 256 * 1024 };

const shopStream: TestStream = {
  labels: '{env="prod", app="shop"}',
  entries: [
    { timestampNs: 1_700_000_000_123_456_789n, line: 'GET /cart 200' },
    {
      timestampNs: 1_700_000_001_000_000_000n,
      line: 'GET /pay 500',
      structuredMetadata: { trace_id: 'abc123' },
    },
  ],
  hash: 12345,
};

describe('inspectLokiPush with JSON', () => {
  it('describes streams, entries and each label set sorted by name', () => {
    const body = json({
      streams: [
        {
          stream: { env: 'prod', app: 'shop' },
          values: [
            ['1', 'a'],
            ['2', 'b'],
          ],
        },
        { stream: { app: 'cart' }, values: [['3', 'c']] },
      ],
    });

    expect(inspectLokiPush(body, JSON_TYPE, undefined, limits)).toEqual({
      format: 'json',
      streams: 2,
      entries: 3,
      labelSets: [[label('app', 'shop'), label('env', 'prod')], [label('app', 'cart')]],
      decodedBytes: body.length,
    });
  });

  it('accepts structured metadata as a third element, an empty object included', () => {
    const body = json({
      streams: [
        {
          stream: { app: 'shop' },
          values: [
            ['1700000000000000000', 'line', { trace_id: 'abc', user: 'u1' }],
            ['1700000000000000001', 'line', {}],
          ],
        },
      ],
    });

    expect(inspectLokiPush(body, JSON_TYPE, undefined, limits).entries).toBe(2);
  });

  it('accepts a stream with no entries and ignores keys Loki does not read', () => {
    const body = json({ streams: [{ stream: { app: 'x' }, values: [], extra: 1 }], note: 'x' });

    expect(inspectLokiPush(body, JSON_TYPE, undefined, limits).entries).toBe(0);
  });

  it.each([
    ['with a charset parameter', 'application/json; charset=utf-8'],
    ['in upper case', 'Application/JSON'],
  ])('reads a Content-Type %s', (_name, contentType) => {
    const body = json({ streams: [{ stream: { app: 'x' }, values: [['1', 'a']] }] });

    expect(inspectLokiPush(body, contentType, undefined, limits).format).toBe('json');
  });

  it.each([
    ['gzip', gzipSync],
    ['deflate', deflateRawSync],
  ])('inflates a %s body and reports its decoded size', (encoding, compress) => {
    const plain = json({ streams: [{ stream: { app: 'x' }, values: [['1', 'a'.repeat(5000)]] }] });

    const summary = inspectLokiPush(compress(plain), JSON_TYPE, encoding, limits);

    expect(summary).toMatchObject({ entries: 1, decodedBytes: plain.length });
  });
});

describe('inspectLokiPush with protobuf', () => {
  it('describes a snappy PushRequest, structured metadata and stream hash included', () => {
    const raw = encodePushRequest([shopStream, { labels: '{a="b"}', entries: [] }]);

    expect(inspectLokiPush(encodeSnappyBlock(raw), PROTO_TYPE, undefined, limits)).toEqual({
      format: 'protobuf',
      streams: 2,
      entries: 2,
      labelSets: [[label('app', 'shop'), label('env', 'prod')], [label('a', 'b')]],
      decodedBytes: raw.length,
    });
  });

  it('skips unknown fields, such as PushRequest.format and EntryAdapter.parsed', () => {
    const raw = new ProtoWriter()
      .raw(encodePushRequest([shopStream]))
      .string(2, 'loki')
      .message(1, (stream) =>
        stream
          .string(1, '{app="x"}')
          .message(2, (entry) => entry.string(2, 'line').message(4, (p) => p.string(1, 'k')))
          .double(9, 1.5),
      )
      .finish();

    const summary = inspectLokiPush(encodeSnappyBlock(raw), PROTO_TYPE, undefined, limits);

    expect(summary).toMatchObject({ streams: 2, entries: 3 });
  });

  it('takes Content-Encoding snappy as the hint Loki takes it for', () => {
    const body = encodeSnappyBlock(encodePushRequest([shopStream]));

    expect(inspectLokiPush(body, PROTO_TYPE, 'snappy', limits).entries).toBe(2);
  });

  it('undoes gzip before snappy, as Loki does', () => {
    const body = gzipSync(encodeSnappyBlock(encodePushRequest([shopStream])));

    expect(inspectLokiPush(body, PROTO_TYPE, 'gzip', limits).entries).toBe(2);
  });
});

const headerRows: { name: string; type?: string; encoding?: string; code: string }[] = [
  { name: 'no Content-Type', code: 'MEDIA_TYPE_UNSUPPORTED' },
  { name: 'text/plain', type: 'text/plain', code: 'MEDIA_TYPE_UNSUPPORTED' },
  { name: 'a form', type: 'application/x-www-form-urlencoded', code: 'MEDIA_TYPE_UNSUPPORTED' },
  { name: 'snappy on JSON', type: JSON_TYPE, encoding: 'snappy', code: 'ENCODING_UNSUPPORTED' },
  { name: 'brotli', type: JSON_TYPE, encoding: 'br', code: 'ENCODING_UNSUPPORTED' },
  { name: 'zstd on protobuf', type: PROTO_TYPE, encoding: 'zstd', code: 'ENCODING_UNSUPPORTED' },
  { name: 'two encodings', type: JSON_TYPE, encoding: 'gzip, gzip', code: 'ENCODING_UNSUPPORTED' },
  {
    name: 'a prototype key',
    type: JSON_TYPE,
    encoding: 'constructor',
    code: 'ENCODING_UNSUPPORTED',
  },
];

describe('inspectLokiPush headers', () => {
  it.each(headerRows)('refuses $name with 415', ({ type, encoding, code }) => {
    const body = json({ streams: [{ stream: { app: 'x' }, values: [] }] });

    expect(() => inspectLokiPush(body, type, encoding, limits)).toThrow(
      expect.objectContaining({ code, status: 415 }),
    );
  });
});

describe('inspectLokiPush size limits', () => {
  it('refuses a body over maxBodyBytes before decoding it', () => {
    const body = Buffer.alloc(limits.maxBodyBytes + 1, 0x20);

    expect(() => inspectLokiPush(body, JSON_TYPE, undefined, limits)).toThrow(
      expect.objectContaining({ code: 'BODY_TOO_LARGE', status: 413 }),
    );
  });

  it('refuses a snappy block announcing 4 GiB from its preamble alone', () => {
    const body = Buffer.from([0xff, 0xff, 0xff, 0xff, 0x0f, 0x00, 0x61]);

    expect(() => inspectLokiPush(body, PROTO_TYPE, undefined, limits)).toThrow(
      expect.objectContaining({
        code: 'BODY_DECODED_TOO_LARGE',
        params: { size: 2 ** 32 - 1, limit: limits.maxDecodedBodyBytes },
      }),
    );
  });

  it.each([
    ['a gzip bomb of JSON', JSON_TYPE, 'gzip', gzipSync],
    ['a deflate bomb of JSON', JSON_TYPE, 'deflate', deflateRawSync],
    ['a gzip bomb around protobuf', PROTO_TYPE, 'gzip', gzipSync],
  ])('stops inflating %s at the decoded limit', (_name, type, encoding, compress) => {
    const bomb = compress(Buffer.alloc(64 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(limits.maxBodyBytes);

    expect(() => inspectLokiPush(bomb, type, encoding, limits)).toThrow(
      expect.objectContaining({
        code: 'BODY_DECODED_TOO_LARGE',
        status: 413,
        params: {
          size: `more than ${limits.maxDecodedBodyBytes}`,
          limit: limits.maxDecodedBodyBytes,
        },
      }),
    );
  });

  it('refuses a snappy block inside gzip that announces more than the limit', () => {
    const announced = Buffer.from([0x80, 0x80, 0x80, 0x01, 0x00]);

    expect(() => inspectLokiPush(gzipSync(announced), PROTO_TYPE, 'gzip', limits)).toThrow(
      expect.objectContaining({
        code: 'BODY_DECODED_TOO_LARGE',
        params: expect.objectContaining({ size: 2 ** 21 }),
      }),
    );
  });

  it('applies the decoded limit to a plain JSON body too', () => {
    const tight = { maxBodyBytes: 4096, maxDecodedBodyBytes: 1024 };
    const body = json({ streams: [{ stream: { app: 'x' }, values: [['1', 'a'.repeat(2000)]] }] });

    expect(() => inspectLokiPush(body, JSON_TYPE, '', tight)).toThrow(
      expect.objectContaining({
        code: 'BODY_DECODED_TOO_LARGE',
        params: { size: body.length, limit: 1024 },
      }),
    );
  });
});

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8');
}

function label(name: string, value: string) {
  return { name, value };
}
