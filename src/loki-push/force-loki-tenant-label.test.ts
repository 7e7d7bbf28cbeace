import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { ProtoWriter } from '../remote-write/proto-writer.js';
import { decodeSnappyBlock, encodeSnappyBlock } from '../remote-write/snappy-block.js';
import { encodePushRequest, type TestStream } from './encode-push-request.js';
import { forceLokiTenantLabel } from './force-loki-tenant-label.js';
import { inspectLokiPush } from './inspect-loki-push.js';

const JSON_TYPE = 'application/json';
const PROTO_TYPE = 'application/x-protobuf';
const limits = { maxBodyBytes: 64 * 1024, maxDecodedBodyBytes: 256 * 1024 };

const spoofedJson = {
  streams: [
    {
      stream: { app: 'shop', tenant: 'other-stack' },
      values: [
        ['1700000000000000000', 'GET /cart', { trace_id: 'abc', tenant: 'meta-is-not-a-label' }],
        ['1700000000000000001', 'multi\nline "quoted" é 😀'],
      ],
    },
    { stream: { zone: 'eu', app: 'cart' }, values: [['1700000000000000002', 'x', {}]] },
  ],
};

const spoofedProto: TestStream[] = [
  {
    labels: '{tenant="other-stack", app="shop"}',
    entries: [
      {
        timestampNs: 1_700_000_000_123_456_789n,
        line: 'GET /cart',
        structuredMetadata: { trace_id: 'abc', tenant: 'meta-is-not-a-label' },
      },
    ],
    hash: 987654321,
  },
  { labels: '{zone="eu",app="cart"}', entries: [{ timestampNs: 5n, line: 'x' }] },
];

describe('forceLokiTenantLabel with JSON', () => {
  it('replaces a spoofed tenant label and adds it to streams without one', () => {
    const forced = forceJson(json(spoofedJson));

    expect(JSON.parse(forced.body.toString('utf8')).streams.map(streamLabels)).toEqual([
      { app: 'shop', tenant: 'stack-a' },
      { app: 'cart', tenant: 'stack-a', zone: 'eu' },
    ]);
    expect(forced.summary.labelSets).toEqual([
      [label('app', 'shop'), label('tenant', 'stack-a')],
      [label('app', 'cart'), label('tenant', 'stack-a'), label('zone', 'eu')],
    ]);
  });

  it('keeps timestamps, lines and structured metadata as they came', () => {
    const forced = JSON.parse(forceJson(json(spoofedJson)).body.toString('utf8'));

    expect(forced.streams.map((stream: { values: unknown }) => stream.values)).toEqual(
      spoofedJson.streams.map((stream) => stream.values),
    );
  });

  it('answers a gzip body inflated, to be sent without Content-Encoding', () => {
    const forced = forceLokiTenantLabel(
      gzipSync(json(spoofedJson)),
      'application/json; charset=utf-8',
      'gzip',
      'tenant',
      'stack-a',
      limits,
    );

    expect(forced).toMatchObject({ contentType: JSON_TYPE, contentEncoding: null });
    expect(inspectLokiPush(forced.body, forced.contentType, undefined, limits).entries).toBe(3);
  });

  it('writes only the fields Loki reads', () => {
    const body = json({ streams: [{ stream: { a: 'b' }, values: [], x: 1 }], y: 2 });

    expect(forceJson(body).body.toString('utf8')).toBe(
      '{"streams":[{"stream":{"a":"b","tenant":"stack-a"},"values":[]}]}',
    );
  });

  it('keeps a label named __proto__ a plain label', () => {
    const body = Buffer.from('{"streams":[{"stream":{"__proto__":"x"},"values":[]}]}');
    const text = forceJson(body).body.toString('utf8');

    expect(text).toBe('{"streams":[{"stream":{"__proto__":"x","tenant":"stack-a"},"values":[]}]}');
  });
});

describe('forceLokiTenantLabel with protobuf', () => {
  it('replaces a spoofed tenant label and adds it to streams without one', () => {
    const forced = forceProto(snappy(encodePushRequest(spoofedProto)));

    expect(forced).toMatchObject({ contentType: PROTO_TYPE, contentEncoding: null });
    expect(inspectLokiPush(forced.body, PROTO_TYPE, undefined, limits).labelSets).toEqual([
      [label('app', 'shop'), label('tenant', 'stack-a')],
      [label('app', 'cart'), label('tenant', 'stack-a'), label('zone', 'eu')],
    ]);
  });

  it('rewrites only the labels text and drops the hash, entries copied byte for byte', () => {
    const forced = forceProto(snappy(encodePushRequest(spoofedProto)));

    const expected = encodePushRequest([
      { ...spoofedProto[0]!, labels: '{app="shop", tenant="stack-a"}', hash: undefined },
      { ...spoofedProto[1]!, labels: '{app="cart", tenant="stack-a", zone="eu"}' },
    ]);
    expect(unsnappy(forced.body)).toEqual(expected);
  });

  it('copies PushRequest.format and unknown stream fields as they came', () => {
    const raw = new ProtoWriter()
      .string(2, 'loki')
      .message(1, (s) => s.double(9, 2.5).string(1, '{a="b"}').tag(3, 0).varint(7).string(10, 'z'))
      .finish();

    const expected = new ProtoWriter()
      .string(2, 'loki')
      .message(1, (s) => s.string(1, '{a="b", tenant="stack-a"}').double(9, 2.5).string(10, 'z'))
      .finish();
    expect(unsnappy(forceProto(snappy(raw)).body)).toEqual(expected);
  });

  it('inflates a gzip-wrapped body and answers plain snappy', () => {
    const body = gzipSync(snappy(encodePushRequest(spoofedProto)));

    const forced = forceLokiTenantLabel(body, PROTO_TYPE, 'gzip', 'tenant', 'stack-a', limits);

    expect(inspectLokiPush(forced.body, PROTO_TYPE, undefined, limits).entries).toBe(2);
  });

  it('escapes a tenant value so the labels text still parses', () => {
    const body = snappy(encodePushRequest(spoofedProto));
    const value = 'a "quoted"\nvalue \\ é';

    const forced = forceLokiTenantLabel(body, PROTO_TYPE, undefined, 'tenant', value, limits);

    expect(inspectLokiPush(forced.body, PROTO_TYPE, undefined, limits).labelSets[0]).toEqual([
      label('app', 'shop'),
      label('tenant', value),
    ]);
  });

  it('changes nothing when run on its own output', () => {
    const once = forceProto(snappy(encodePushRequest(spoofedProto))).body;

    expect(unsnappy(forceProto(once).body)).toEqual(unsnappy(once));
  });
});

describe('forceLokiTenantLabel refusals', () => {
  it.each([
    [
      'a JSON body with a bad timestamp',
      JSON_TYPE,
      json({ streams: [{ stream: { a: 'b' }, values: [[1, 'x']] }] }),
    ],
    [
      'a protobuf body with unparsable labels',
      PROTO_TYPE,
      snappy(encodePushRequest([{ labels: '{a}', entries: [] }])),
    ],
  ])('fails on %s as inspectLokiPush does', (_name, type, body) => {
    expect(() => forceLokiTenantLabel(body, type, undefined, 'tenant', 'a', limits)).toThrow(
      expect.objectContaining({ code: 'BODY_MALFORMED' }),
    );
  });

  it.each([
    ['an empty label name', '', 'a'],
    ['a dotted label name', 'k8s.tenant', 'a'],
    ['an empty value', 'tenant', ''],
  ])('treats %s as a configuration bug', (_name, name, value) => {
    expect(() =>
      forceLokiTenantLabel(json(spoofedJson), JSON_TYPE, undefined, name, value, limits),
    ).toThrow(RangeError);
  });
});

function forceJson(body: Buffer) {
  return forceLokiTenantLabel(body, JSON_TYPE, undefined, 'tenant', 'stack-a', limits);
}

function forceProto(body: Buffer) {
  return forceLokiTenantLabel(body, PROTO_TYPE, undefined, 'tenant', 'stack-a', limits);
}

function json(value: unknown): Buffer {
  return Buffer.from(JSON.stringify(value), 'utf8');
}

function snappy(raw: Buffer): Buffer {
  return encodeSnappyBlock(raw);
}

function unsnappy(body: Buffer): Buffer {
  return decodeSnappyBlock(body, limits.maxDecodedBodyBytes);
}

function streamLabels(stream: { stream: Record<string, string> }) {
  return stream.stream;
}

function label(name: string, value: string) {
  return { name, value };
}
