import { describe, expect, it } from 'vitest';
import { GatehouseError } from '../errors/gatehouse-error.js';
import { encodeWriteRequest, type TestMetadata, type TestSeries } from './encode-write-request.js';
import { inspectWriteRequest } from './inspect-write-request.js';
import { wireType } from './prompb-fields.js';
import { ProtoWriter } from './proto-writer.js';

const { varint, fixed64, lengthDelimited, fixed32 } = wireType;

const label = (name: string, value: string): Buffer =>
  new ProtoWriter().string(1, name).string(2, value).finish();
const sample = (value: number, timestamp: number): Buffer =>
  new ProtoWriter().double(1, value).int64(2, timestamp).finish();

/** A TimeSeries from already-encoded parts: [field number, payload] pairs. */
function series(...fields: Array<[number, Uint8Array]>): Buffer {
  const writer = new ProtoWriter();
  for (const [field, payload] of fields) writer.bytes(field, payload);
  return writer.finish();
}

const request = (...seriesBodies: Buffer[]): ProtoWriter => {
  const writer = new ProtoWriter();
  for (const body of seriesBodies) writer.bytes(1, body);
  return writer;
};

const validSeries = (): Buffer => series([1, label('__name__', 'up')], [2, sample(1, 1000)]);

describe('inspectWriteRequest', () => {
  it('counts series, samples, exemplars, histograms and metadata', () => {
    const input: TestSeries[] = [
      {
        labels: { __name__: 'http_requests_total', code: '200' },
        samples: [
          { value: 1, timestamp: 1000 },
          { value: 2, timestamp: 2000 },
        ],
        exemplars: [{ labels: { trace_id: 'abc' }, value: 1, timestamp: 1500 }],
      },
      {
        labels: { __name__: 'latency_seconds' },
        samples: [],
        histograms: [
          { count: 3, sum: 1.5, schema: 3, timestamp: 1000 },
          { count: 4, sum: 2.5, schema: -2, timestamp: 2000 },
        ],
      },
    ];
    const metadata: TestMetadata[] = [
      { type: 1, metricFamilyName: 'http_requests_total', help: 'requests' },
    ];

    const summary = inspectWriteRequest(encodeWriteRequest(input, metadata));

    expect(summary).toEqual({
      series: input.length,
      samples: input.reduce((sum, one) => sum + one.samples.length, 0),
      exemplars: input.reduce((sum, one) => sum + (one.exemplars?.length ?? 0), 0),
      histograms: input.reduce((sum, one) => sum + (one.histograms?.length ?? 0), 0),
      metadata: metadata.length,
    });
  });

  it('accepts an empty request', () => {
    expect(inspectWriteRequest(new Uint8Array(0))).toEqual({
      series: 0,
      samples: 0,
      exemplars: 0,
      histograms: 0,
      metadata: 0,
    });
  });

  it('skips unknown fields at every level, as protobuf parsers do', () => {
    const labelWithExtra = new ProtoWriter()
      .string(1, 'job')
      .string(2, 'x')
      .tag(9, fixed32)
      .raw([1, 2, 3, 4])
      .finish();
    const sampleWithExtra = new ProtoWriter().raw(sample(5, 5)).int64(7, 42).finish();
    const body = new ProtoWriter()
      .int64(2, 99) // reserved by prompb, sent by old Cortex clients
      .bytes(1, series([1, labelWithExtra], [2, sampleWithExtra], [15, Buffer.from('opaque')]))
      .tag(20, fixed64)
      .raw(Buffer.alloc(8))
      .finish();

    expect(inspectWriteRequest(body)).toMatchObject({ series: 1, samples: 1 });
  });

  it('accepts samples in any field order or with default values omitted', () => {
    const timestampFirst = new ProtoWriter().int64(2, 1000).double(1, 3).finish();
    const zeroValue = new ProtoWriter().int64(2, 1000).finish();
    const negativeTimestamp = sample(1, -5);
    const body = request(
      series(
        [1, label('__name__', 'a')],
        [2, timestampFirst],
        [2, zeroValue],
        [2, negativeTimestamp],
        [2, Buffer.alloc(0)],
      ),
    ).finish();

    expect(inspectWriteRequest(body)).toMatchObject({ series: 1, samples: 4 });
  });

  it('reads lengths written as multi-byte varints', () => {
    const longValue = 'v'.repeat(300);
    const body = request(series([1, label('__name__', longValue)], [2, sample(1, 1)])).finish();

    expect(inspectWriteRequest(body)).toMatchObject({ series: 1, samples: 1 });
  });
});

describe('inspectWriteRequest refuses malformed bodies', () => {
  const bytes = (...values: number[]): Buffer => Buffer.from(values);
  const rows: Array<{ name: string; body: Buffer; reason: RegExp }> = [
    {
      name: 'a truncated tag varint',
      body: bytes(0x8a),
      reason: /truncated varint starting at byte 0/,
    },
    {
      name: 'a varint longer than 10 bytes',
      body: bytes(0x0a, ...Array<number>(10).fill(0x80), 0x00),
      reason: /longer than 10 bytes/,
    },
    { name: 'field number 0', body: bytes(0x02, 0x00), reason: /field number 0/ },
    {
      name: 'a field number past 2^29',
      body: new ProtoWriter()
        .varint(2 ** 32 + 2)
        .raw([0])
        .finish(),
      reason: /field number out of range/,
    },
    {
      name: 'a group in an unknown field',
      body: bytes((5 << 3) | 3),
      reason: /wire type 3 \(group\)/,
    },
    { name: 'wire type 7', body: bytes((5 << 3) | 7), reason: /unsupported wire type 7/ },
    {
      name: 'timeseries sent as a varint',
      body: bytes(0x08, 0x01),
      reason: /WriteRequest.timeseries has wire type 0/,
    },
    {
      name: 'metadata sent as a varint',
      body: bytes(0x18, 0x01),
      reason: /WriteRequest.metadata has wire type 0/,
    },
    {
      name: 'a length past the end of the body',
      body: bytes(0x0a, 0x05, 0x0a),
      reason: /length 5 .* past the end/,
    },
    {
      name: 'a label length past the end of its series',
      body: new ProtoWriter().raw([0x0a, 0x02, 0x0a, 0x05]).bytes(3, Buffer.alloc(6)).finish(),
      reason: /length 5 at byte 3 runs past the end/,
    },
    {
      name: 'a series without labels',
      body: request(series([2, sample(1, 1)])).finish(),
      reason: /series 0 has no labels/,
    },
    {
      name: 'a later series without labels',
      body: request(validSeries(), series()).finish(),
      reason: /series 1 has no labels/,
    },
    {
      name: 'a label without name',
      body: request(series([1, new ProtoWriter().string(2, 'v').finish()])).finish(),
      reason: /label without name/,
    },
    {
      name: 'a label with an empty name',
      body: request(series([1, label('', 'v')])).finish(),
      reason: /label without name/,
    },
    {
      name: 'a label with a repeated name',
      body: request(
        series([1, new ProtoWriter().string(1, 'a').string(1, 'tenant').string(2, 'v').finish()]),
      ).finish(),
      reason: /repeated name/,
    },
    {
      name: 'a label name sent as a varint',
      body: request(series([1, new ProtoWriter().tag(1, varint).varint(3).finish()])).finish(),
      reason: /Label.name has wire type 0/,
    },
    {
      name: 'labels sent as a fixed64',
      body: request(new ProtoWriter().tag(1, fixed64).raw(Buffer.alloc(8)).finish()).finish(),
      reason: /TimeSeries.labels has wire type 1/,
    },
    {
      name: 'a sample value sent as a varint',
      body: request(
        series([1, label('a', 'b')], [2, new ProtoWriter().tag(1, varint).varint(1).finish()]),
      ).finish(),
      reason: /Sample.value has wire type 0/,
    },
    {
      name: 'a sample timestamp sent as a string',
      body: request(
        series([1, label('a', 'b')], [2, new ProtoWriter().string(2, 'now').finish()]),
      ).finish(),
      reason: /Sample.timestamp has wire type 2/,
    },
    {
      name: 'a truncated sample value',
      body: request(series([1, label('a', 'b')], [2, bytes(0x09, 1, 2, 3)])).finish(),
      reason: /truncated 64-bit value/,
    },
    {
      name: 'a truncated sample timestamp',
      body: request(series([1, label('a', 'b')], [2, bytes(0x10, 0x80)])).finish(),
      reason: /truncated varint/,
    },
    {
      name: 'an exemplar label without name',
      body: request(
        series([1, label('a', 'b')], [3, new ProtoWriter().bytes(1, label('', 'x')).finish()]),
      ).finish(),
      reason: /label without name/,
    },
    {
      name: 'an exemplar value sent as fixed32',
      body: request(
        series(
          [1, label('a', 'b')],
          [3, new ProtoWriter().tag(2, fixed32).raw([0, 0, 0, 0]).finish()],
        ),
      ).finish(),
      reason: /Exemplar.value has wire type 5/,
    },
    {
      name: 'a truncated histogram field',
      body: request(series([1, label('a', 'b')], [4, bytes((3 << 3) | fixed64, 0, 0)])).finish(),
      reason: /truncated 64-bit value/,
    },
    {
      name: 'a truncated fixed32 in metadata',
      body: new ProtoWriter().bytes(3, bytes((6 << 3) | fixed32, 0, 0)).finish(),
      reason: /truncated 32-bit value/,
    },
    {
      name: 'a histogram length past its series',
      body: request(
        series([1, label('a', 'b')], [4, bytes((8 << 3) | lengthDelimited, 9)]),
      ).finish(),
      reason: /length 9 .* past the end/,
    },
  ];

  it.each(rows)('refuses $name', ({ body, reason }) => {
    let caught: unknown;
    try {
      inspectWriteRequest(body);
    } catch (error) {
      caught = error;
    }

    expect(caught).toBeInstanceOf(GatehouseError);
    expect((caught as GatehouseError).code).toBe('BODY_MALFORMED');
    expect(String((caught as GatehouseError).params.reason)).toMatch(reason);
  });

  it('throws nothing but GatehouseError for truncated or corrupted requests', () => {
    const valid = encodeWriteRequest(
      [
        {
          labels: { __name__: 'm', instance: 'host:9100' },
          samples: [{ value: 1.5, timestamp: Date.now() }],
          exemplars: [{ labels: { trace_id: 't' }, value: 1, timestamp: 5 }],
          histograms: [{ count: 2, sum: 3, schema: 1, timestamp: 9 }],
        },
      ],
      [{ type: 2, metricFamilyName: 'm', help: 'h', unit: 'u' }],
    );
    const random = seededRandom(11);
    const failures = { gatehouse: 0, other: 0 };

    for (let cut = 0; cut < valid.length; cut++)
      classify(() => inspectWriteRequest(valid.subarray(0, cut)), failures);
    for (let round = 0; round < 3000; round++) {
      const corrupt = Buffer.from(valid);
      corrupt[Math.floor(random() * corrupt.length)] = Math.floor(random() * 256);
      classify(() => inspectWriteRequest(corrupt), failures);
    }

    expect(failures.other).toBe(0);
    expect(failures.gatehouse).toBeGreaterThan(0);
  });
});

function classify(run: () => unknown, failures: { gatehouse: number; other: number }): void {
  try {
    run();
  } catch (error) {
    if (error instanceof GatehouseError) failures.gatehouse++;
    else failures.other++;
  }
}

/** mulberry32: a deterministic generator, so a failing corruption can be replayed. */
function seededRandom(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}
