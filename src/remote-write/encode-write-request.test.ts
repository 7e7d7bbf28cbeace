import { describe, expect, it } from 'vitest';
import { encodeWriteRequest } from './encode-write-request.js';

/** Builds the expected bytes by hand from the protobuf encoding rules, not from the encoder. */
const len = (field: number, payload: number[]): number[] => [
  (field << 3) | 2,
  payload.length,
  ...payload,
];
const text = (value: string): number[] => [...Buffer.from(value, 'utf8')];
const double = (value: number): number[] => {
  const bytes = Buffer.alloc(8);
  bytes.writeDoubleLE(value);
  return [...bytes];
};

describe('encodeWriteRequest', () => {
  it('lays a series out as prompb defines it', () => {
    const encoded = encodeWriteRequest([
      { labels: { job: 'api' }, samples: [{ value: 1.5, timestamp: 300 }] },
    ]);

    const label = [...len(1, text('job')), ...len(2, text('api'))];
    const sample = [(1 << 3) | 1, ...double(1.5), (2 << 3) | 0, 0xac, 0x02]; // 300 = 0b10_0101100
    expect([...encoded]).toEqual(len(1, [...len(1, label), ...len(2, sample)]));
  });

  it('writes labels sorted by name in byte order, whatever the key order', () => {
    const encoded = encodeWriteRequest([
      { labels: { zone: 'a', __name__: 'm', B: 'x', b: 'y' }, samples: [] },
    ]);

    const names = ['B', '__name__', 'b', 'zone'];
    const positions = names.map((name) =>
      encoded.indexOf(Buffer.from([0x0a, name.length, ...text(name)])),
    );
    expect(positions.every((position) => position > 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
  });

  it('writes a negative timestamp as a 10-byte two’s complement varint', () => {
    const encoded = encodeWriteRequest([
      { labels: { a: 'b' }, samples: [{ value: 0, timestamp: -1 }] },
    ]);

    const minusOne = [...Array<number>(9).fill(0xff), 0x01];
    expect(encoded.includes(Buffer.from([(2 << 3) | 0, ...minusOne]))).toBe(true);
  });

  it('writes metadata after the series, as field 3', () => {
    const encoded = encodeWriteRequest([], [{ type: 1, metricFamilyName: 'up', help: 'h' }]);

    expect([...encoded]).toEqual(
      len(3, [(1 << 3) | 0, 1, ...len(2, text('up')), ...len(4, text('h'))]),
    );
  });
});
