import { describe, expect, it } from 'vitest';
import { GatehouseError } from '../errors/gatehouse-error.js';
import { encodeWriteRequest, type TestSeries } from './encode-write-request.js';
import { forceLabel } from './force-label.js';
import { inspectWriteRequest } from './inspect-write-request.js';
import { ProtoWriter } from './proto-writer.js';
import { WireReader } from './wire-reader.js';

interface Entry {
  tag: number;
  /** The whole field: tag, length and payload, as it sits in the message. */
  bytes: Buffer;
  payload: Buffer;
}

/** Splits a message into its fields, for looking at the result independently of forceLabel. */
function entries(message: Buffer): Entry[] {
  const reader = new WireReader(message);
  const found: Entry[] = [];
  while (reader.pos < message.length) {
    const start = reader.pos;
    const tag = reader.tag(message.length);
    let payloadStart = reader.pos;
    if ((tag & 7) === 2) {
      const end = reader.lengthEnd(message.length);
      payloadStart = reader.pos;
      reader.pos = end;
    } else {
      reader.skip(tag & 7, message.length);
    }
    found.push({
      tag,
      bytes: message.subarray(start, reader.pos),
      payload: message.subarray(payloadStart, reader.pos),
    });
  }
  return found;
}

const SERIES = 0x0a;
const LABEL = 0x0a;

function seriesOf(raw: Buffer): Entry[][] {
  return entries(raw)
    .filter((entry) => entry.tag === SERIES)
    .map((entry) => entries(entry.payload));
}

function labelsOf(series: Entry[]): Array<[string, string]> {
  return series
    .filter((entry) => entry.tag === LABEL)
    .map((entry) => {
      const fields = entries(entry.payload);
      const text = (tag: number) =>
        fields.find((field) => field.tag === tag)?.payload.toString('utf8') ?? '';
      return [text(0x0a), text(0x12)];
    });
}

const nonLabelFields = (series: Entry[]): Buffer[] =>
  series.filter((e) => e.tag !== LABEL).map((e) => e.bytes);

/** Go compares strings byte-wise, so remote write sorts UTF-8 bytes, not UTF-16 code units. */
function sortedByBytes(labels: Array<[string, string]>): Array<[string, string]> {
  return [...labels].sort(([a], [b]) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
}

function expectMalformed(run: () => unknown): void {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(GatehouseError);
  expect((caught as GatehouseError).code).toBe('BODY_MALFORMED');
}

const now = 1_700_000_000_000;

describe('forceLabel', () => {
  it('adds the label to every series at its sorted position', () => {
    const input: TestSeries[] = [
      { labels: { __name__: 'up', job: 'node' }, samples: [{ value: 1, timestamp: now }] },
      { labels: { __name__: 'cpu', zone: 'eu' }, samples: [{ value: 2, timestamp: now }] },
      { labels: { a: '1' }, samples: [] },
    ];

    const output = seriesOf(forceLabel(encodeWriteRequest(input), 'tenant', '42'));

    expect(output.map(labelsOf)).toEqual(
      input.map((one) => sortedByBytes([...Object.entries(one.labels), ['tenant', '42']])),
    );
  });

  it('overwrites a spoofed tenant label', () => {
    const raw = encodeWriteRequest([
      {
        labels: { __name__: 'm', tenant: 'spoofed', zone: 'a' },
        samples: [{ value: 1, timestamp: now }],
      },
    ]);

    const forced = forceLabel(raw, 'tenant', 'real');

    expect(labelsOf(seriesOf(forced)[0] ?? [])).toEqual([
      ['__name__', 'm'],
      ['tenant', 'real'],
      ['zone', 'a'],
    ]);
    expect(forced.includes(Buffer.from('spoofed'))).toBe(false);
  });

  it('drops every copy of a label the client repeated under the forced name', () => {
    const label = (name: string, value: string) =>
      new ProtoWriter().string(1, name).string(2, value).finish();
    const series = new ProtoWriter()
      .bytes(1, label('__name__', 'm'))
      .bytes(1, label('tenant', 'one'))
      .bytes(1, label('tenant', 'two'))
      .finish();
    const raw = new ProtoWriter().bytes(1, series).finish();

    const labels = labelsOf(seriesOf(forceLabel(raw, 'tenant', 'real'))[0] ?? []);

    expect(labels.filter(([name]) => name === 'tenant')).toEqual([['tenant', 'real']]);
  });

  const sortingRows: Array<{ name: string; labels: Record<string, string>; forced: string }> = [
    { name: 'before every label', labels: { b: '1', c: '2' }, forced: 'a' },
    { name: 'before __name__', labels: { __name__: 'm', job: 'x' }, forced: 'A_tenant' },
    { name: 'between labels', labels: { __name__: 'm', job: 'x', zone: 'y' }, forced: 'tenant' },
    { name: 'after every label', labels: { __name__: 'm', job: 'x' }, forced: 'zz' },
    { name: 'in place of the first label', labels: { a: 'spoof', b: '2' }, forced: 'a' },
    { name: 'in place of the last label', labels: { a: '1', z: 'spoof' }, forced: 'z' },
    { name: 'by prefix: shorter name first', labels: { ten: '1', tenants: '2' }, forced: 'tenant' },
    {
      name: 'by UTF-8 bytes, not UTF-16 units',
      labels: { '\uff61': 'x', a: 'b' },
      forced: '\u{1f600}',
    },
  ];

  it.each(sortingRows)('places the label $name', ({ labels, forced }) => {
    const raw = encodeWriteRequest([{ labels, samples: [{ value: 1, timestamp: now }] }]);

    const output = labelsOf(seriesOf(forceLabel(raw, forced, 'T'))[0] ?? []);

    const expected = sortedByBytes([
      ...Object.entries(labels).filter(([name]) => name !== forced),
      [forced, 'T'],
    ]);
    expect(output).toEqual(expected);
  });

  it('copies samples, exemplars, histograms and unknown series fields byte for byte', () => {
    const input = encodeWriteRequest([
      {
        labels: { __name__: 'rpc_seconds', tenant: 'spoofed', z: '1' },
        samples: [
          { value: 0.25, timestamp: now },
          { value: Number.NaN, timestamp: now + 1 },
          { value: -1e300, timestamp: -7 },
        ],
        exemplars: [
          { labels: { trace_id: 'abc', tenant: 'exemplar-tenant' }, value: 0.2, timestamp: now },
        ],
        histograms: [{ count: 12, sum: 3.5, schema: -1, timestamp: now }],
      },
    ]);
    const withUnknown = appendToEverySeries(
      input,
      new ProtoWriter().string(15, 'future field').finish(),
    );

    const output = forceLabel(withUnknown, 'tenant', 'real');

    const before = seriesOf(withUnknown).map(nonLabelFields);
    const after = seriesOf(output).map(nonLabelFields);
    expect(after).toEqual(before);
    expect(after[0]?.length).toBe(3 + 1 + 1 + 1);
  });

  it('copies metadata and unknown top-level fields verbatim', () => {
    const series = encodeWriteRequest(
      [{ labels: { __name__: 'm' }, samples: [{ value: 1, timestamp: now }] }],
      [{ type: 1, metricFamilyName: 'm', help: 'help text', unit: 'seconds' }],
    );
    const raw = Buffer.concat([
      new ProtoWriter().int64(2, 7).finish(),
      series,
      new ProtoWriter().string(9, 'x').finish(),
    ]);

    const output = forceLabel(raw, 'tenant', 't');

    const topLevel = (message: Buffer) =>
      entries(message)
        .filter((e) => e.tag !== SERIES)
        .map((e) => e.bytes);
    expect(topLevel(output)).toEqual(topLevel(raw));
    expect(topLevel(raw)).toHaveLength(3);
  });

  it('keeps the counts inspectWriteRequest reports', () => {
    const raw = encodeWriteRequest(
      Array.from({ length: 25 }, (_, i) => ({
        labels: { __name__: `m${i}`, instance: `host-${i}` },
        samples: Array.from({ length: i % 4 }, (__, k) => ({ value: k, timestamp: now + k })),
        exemplars: i % 5 === 0 ? [{ value: 1, timestamp: now }] : [],
      })),
      [{ type: 2, metricFamilyName: 'm0' }],
    );

    expect(inspectWriteRequest(forceLabel(raw, 'tenant', 'abc'))).toEqual(inspectWriteRequest(raw));
  });

  it('re-encodes the series length when the label pushes it past one varint byte', () => {
    const raw = encodeWriteRequest([
      { labels: { __name__: 'm', instance: 'x'.repeat(90) }, samples: [] },
    ]);
    const inputLength = entries(raw)[0]?.payload.length ?? 0;

    const output = forceLabel(raw, 'tenant', 'a-long-enough-tenant-id');

    expect(inputLength).toBeLessThan(128);
    expect(entries(output)[0]?.payload.length).toBeGreaterThanOrEqual(128);
    expect(labelsOf(seriesOf(output)[0] ?? []).map(([name]) => name)).toEqual([
      '__name__',
      'instance',
      'tenant',
    ]);
  });

  it('puts the label after the last label when labels follow the samples', () => {
    const sample = new ProtoWriter().double(1, 1).int64(2, now).finish();
    const label = (name: string) => new ProtoWriter().string(1, name).string(2, 'v').finish();
    const series = new ProtoWriter()
      .bytes(2, sample)
      .bytes(1, label('a'))
      .bytes(1, label('b'))
      .finish();

    const output =
      seriesOf(forceLabel(new ProtoWriter().bytes(1, series).finish(), 'c', 'T'))[0] ?? [];

    expect(output.map((entry) => entry.tag)).toEqual([0x12, LABEL, LABEL, LABEL]);
    expect(labelsOf(output)).toEqual([
      ['a', 'v'],
      ['b', 'v'],
      ['c', 'T'],
    ]);
  });

  it('recognises a spoofed label whose value is encoded before its name', () => {
    const valueFirst = new ProtoWriter().string(2, 'spoofed').string(1, 'tenant').finish();
    const series = new ProtoWriter().bytes(1, valueFirst).finish();

    const output = forceLabel(new ProtoWriter().bytes(1, series).finish(), 'tenant', 'real');

    expect(labelsOf(seriesOf(output)[0] ?? [])).toEqual([['tenant', 'real']]);
  });

  it('returns an empty request unchanged', () => {
    expect(forceLabel(new Uint8Array(0), 'tenant', 't')).toHaveLength(0);
  });

  it('refuses a series without labels', () => {
    const raw = encodeWriteRequest([{ labels: {}, samples: [{ value: 1, timestamp: now }] }]);

    expectMalformed(() => forceLabel(raw, 'tenant', 't'));
  });

  it('refuses a truncated request', () => {
    const raw = encodeWriteRequest([
      { labels: { a: 'b' }, samples: [{ value: 1, timestamp: now }] },
    ]);

    expectMalformed(() => forceLabel(raw.subarray(0, raw.length - 3), 'tenant', 't'));
  });

  it('refuses an empty label name or value, which would be a configuration error', () => {
    const raw = encodeWriteRequest([{ labels: { a: 'b' }, samples: [] }]);

    expect(() => forceLabel(raw, '', 't')).toThrow(RangeError);
    expect(() => forceLabel(raw, 'tenant', '')).toThrow(RangeError);
  });

  it('either refuses a corrupted request or gives every series exactly one forced label', () => {
    const valid = encodeWriteRequest([
      { labels: { __name__: 'a', tenant: 'x' }, samples: [{ value: 1, timestamp: now }] },
      {
        labels: { __name__: 'b', job: 'j' },
        samples: [{ value: 2, timestamp: now }],
        exemplars: [{ value: 1, timestamp: 1 }],
      },
    ]);
    const random = seededRandom(3);
    let accepted = 0;

    for (let round = 0; round < 2000; round++) {
      const corrupt = Buffer.from(valid);
      corrupt[Math.floor(random() * corrupt.length)] = Math.floor(random() * 256);
      let output: Buffer;
      try {
        output = forceLabel(corrupt, 'tenant', 'T');
      } catch (error) {
        expect(error).toBeInstanceOf(GatehouseError);
        continue;
      }
      accepted++;
      for (const series of seriesOf(output)) {
        expect(labelsOf(series).filter(([name]) => name === 'tenant')).toEqual([['tenant', 'T']]);
      }
    }

    expect(accepted).toBeGreaterThan(0);
  });
});

/** Adds an encoded field at the end of every series, rebuilding the request around it. */
function appendToEverySeries(raw: Buffer, field: Buffer): Buffer {
  const writer = new ProtoWriter();
  for (const entry of entries(raw)) {
    if (entry.tag === SERIES) writer.bytes(1, Buffer.concat([entry.payload, field]));
    else writer.raw(entry.bytes);
  }
  return writer.finish();
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
