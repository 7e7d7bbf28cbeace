import { randomBytes } from 'node:crypto';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { GatehouseError } from '../errors/gatehouse-error.js';
import { decodeSnappyBlock, encodeSnappyBlock, snappyDecodedLength } from './snappy-block.js';

const GIB = 2 ** 30;

/** A snappy block preamble: the decoded length as a little-endian base-128 varint. */
function preamble(length: number): number[] {
  const bytes: number[] = [];
  let rest = length;
  while (rest >= 0x80) {
    bytes.push((rest % 128) | 0x80);
    rest = Math.floor(rest / 128);
  }
  bytes.push(rest);
  return bytes;
}

function block(decodedLength: number, ...elements: number[][]): Buffer {
  return Buffer.from([...preamble(decodedLength), ...elements.flat()]);
}

const ascii = (text: string): number[] => [...Buffer.from(text, 'latin1')];

/** Literal element: length - 1 in the tag when below 60, else in 1-4 little-endian bytes. */
function literal(text: string, lengthBytes = 0): number[] {
  const n = text.length - 1;
  if (lengthBytes === 0) return [n << 2, ...ascii(text)];

  const little = [n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff].slice(
    0,
    lengthBytes,
  );
  return [(59 + lengthBytes) << 2, ...little, ...ascii(text)];
}

const copy1 = (length: number, offset: number): number[] => [
  ((offset >>> 8) << 5) | ((length - 4) << 2) | 1,
  offset & 0xff,
];
const copy2 = (length: number, offset: number): number[] => [
  ((length - 1) << 2) | 2,
  offset & 0xff,
  offset >>> 8,
];
const copy4 = (length: number, offset: number): number[] => [
  ((length - 1) << 2) | 3,
  ...[0, 8, 16, 24].map((shift) => (offset >>> shift) & 0xff),
];

function expectGatehouseError(run: () => unknown, code: string, reason?: RegExp): GatehouseError {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(GatehouseError);
  const error = caught as GatehouseError;
  expect(error.code).toBe(code);
  if (reason) expect(String(error.params.reason)).toMatch(reason);
  return error;
}

describe('snappy block round trip', () => {
  const cases: Array<[string, Buffer]> = [
    ['an empty body', Buffer.alloc(0)],
    ['a short text', Buffer.from('remote write')],
    ['a repetitive megabyte', Buffer.from('series{job="node"} '.repeat(55_000))],
    ['random bytes', randomBytes(200_000)],
  ];

  it.each(cases)('decodes what it encodes: %s', (_name, raw) => {
    const encoded = encodeSnappyBlock(raw);

    expect(snappyDecodedLength(encoded)).toBe(raw.length);
    expect(decodeSnappyBlock(encoded, raw.length).equals(raw)).toBe(true);
  });

  it('accepts a plain Uint8Array view into a larger buffer', () => {
    const encoded = encodeSnappyBlock(Buffer.from('view of a view'));
    const padded = new Uint8Array(encoded.length + 6);
    padded.set(encoded, 3);

    const decoded = decodeSnappyBlock(padded.subarray(3, 3 + encoded.length), 100);

    expect(decoded.toString()).toBe('view of a view');
  });
});

describe('snappy element kinds', () => {
  const long = 'x'.repeat(70);
  const rows: Array<{ name: string; body: Buffer; expected: string }> = [
    { name: 'short literal', body: block(3, literal('abc')), expected: 'abc' },
    { name: 'literal with 1 length byte', body: block(70, literal(long, 1)), expected: long },
    { name: 'literal with 2 length bytes', body: block(70, literal(long, 2)), expected: long },
    { name: 'literal with 3 length bytes', body: block(70, literal(long, 3)), expected: long },
    { name: 'literal with 4 length bytes', body: block(70, literal(long, 4)), expected: long },
    {
      name: '1-byte-offset copy',
      body: block(8, literal('abcd'), copy1(4, 4)),
      expected: 'abcdabcd',
    },
    {
      name: 'overlapping copy repeats a run',
      body: block(11, literal('ab'), copy1(9, 2)),
      expected: 'ab'.repeat(6).slice(0, 11),
    },
    {
      name: '2-byte-offset copy',
      body: block(10, literal('hello'), copy2(5, 5)),
      expected: 'hellohello',
    },
    {
      name: '4-byte-offset copy',
      body: block(9, literal('xyz'), copy4(6, 3)),
      expected: 'xyz'.repeat(3),
    },
  ];

  it.each(rows)('decodes a $name', ({ body, expected }) => {
    expect(decodeSnappyBlock(body, 1000).toString('latin1')).toBe(expected);
  });
});

describe('decompression bombs', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  function spyOnAllocation() {
    return [
      vi.spyOn(Buffer, 'alloc'),
      vi.spyOn(Buffer, 'allocUnsafe'),
      vi.spyOn(Buffer, 'allocUnsafeSlow'),
    ];
  }

  it('refuses a tiny body whose preamble claims 1 GiB, before allocating', () => {
    const body = block(GIB, literal('a'));
    const spies = spyOnAllocation();

    const error = expectGatehouseError(
      () => decodeSnappyBlock(body, 64 * 1024 * 1024),
      'BODY_DECODED_TOO_LARGE',
    );

    expect(error.params).toEqual({ size: GIB, limit: 64 * 1024 * 1024 });
    expect(error.status).toBe(413);
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
  });

  it('refuses a preamble that lies within the limit without allocating what it claims', () => {
    const body = block(GIB, literal('abcd'), copy1(4, 4));
    const spies = spyOnAllocation();

    expectGatehouseError(
      () => decodeSnappyBlock(body, 2 * GIB),
      'BODY_MALFORMED',
      /8 bytes.*announces 1073741824/,
    );

    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
  });

  it('reports the announced size from the preamble alone', () => {
    expect(snappyDecodedLength(block(GIB))).toBe(GIB);
    expect(snappyDecodedLength(block(2 ** 32 - 1))).toBe(2 ** 32 - 1);
  });
});

describe('malformed snappy blocks', () => {
  const rows: Array<{ name: string; body: Buffer; reason: RegExp }> = [
    { name: 'empty body', body: Buffer.alloc(0), reason: /preamble is truncated/ },
    {
      name: 'preamble cut short',
      body: Buffer.from([0x80, 0x80]),
      reason: /preamble is truncated/,
    },
    {
      name: 'preamble of six bytes',
      body: Buffer.from([0x80, 0x80, 0x80, 0x80, 0x80, 0x01]),
      reason: /longer than 5 bytes/,
    },
    {
      name: 'preamble past 32 bits',
      body: Buffer.from([0xff, 0xff, 0xff, 0xff, 0x1f]),
      reason: /exceeds 32 bits/,
    },
    {
      name: 'literal past the end',
      body: block(5, [4 << 2, ...ascii('abc')]),
      reason: /literal .* past the end/,
    },
    { name: 'literal length bytes missing', body: block(70, [62 << 2, 0x45]), reason: /truncated/ },
    { name: 'copy before any output', body: block(4, copy1(4, 1)), reason: /offset 1 outside/ },
    {
      name: 'copy with offset 0',
      body: block(8, literal('abcd'), copy2(4, 0)),
      reason: /offset 0 outside/,
    },
    {
      name: 'copy reaching before the start',
      body: block(8, literal('abcd'), copy4(4, 5)),
      reason: /offset 5 outside/,
    },
    {
      name: '1-byte-offset copy cut short',
      body: block(8, literal('abcd'), [1]),
      reason: /truncated/,
    },
    {
      name: '2-byte-offset copy cut short',
      body: block(8, literal('abcd'), [(3 << 2) | 2, 4]),
      reason: /truncated/,
    },
    {
      name: 'output shorter than announced',
      body: block(10, literal('abc')),
      reason: /decodes to 3 bytes.*announces 10/,
    },
    {
      name: 'output longer than announced',
      body: block(2, literal('abc')),
      reason: /past the 2 bytes/,
    },
    {
      name: 'trailing elements after the announced end',
      body: block(3, literal('abc'), literal('d')),
      reason: /past the 3 bytes/,
    },
  ];

  it.each(rows)('refuses a body with $name', ({ body, reason }) => {
    expectGatehouseError(() => decodeSnappyBlock(body, 1 << 20), 'BODY_MALFORMED', reason);
  });

  it('refuses every truncation of a valid body', () => {
    const encoded = encodeSnappyBlock(Buffer.from('label="value" '.repeat(40)));

    for (let cut = 0; cut < encoded.length; cut++) {
      expectGatehouseError(
        () => decodeSnappyBlock(encoded.subarray(0, cut), 1 << 20),
        'BODY_MALFORMED',
      );
    }
  });

  it('throws nothing but GatehouseError for corrupted bodies', () => {
    const random = seededRandom(7);
    const encoded = encodeSnappyBlock(Buffer.from('metric{a="b"} 1 '.repeat(200)));

    for (let round = 0; round < 3000; round++) {
      const corrupt = Buffer.from(encoded);
      for (let flips = 1 + Math.floor(random() * 4); flips > 0; flips--) {
        corrupt[Math.floor(random() * corrupt.length)] = Math.floor(random() * 256);
      }
      expectNothingButGatehouseError(() => decodeSnappyBlock(corrupt, 1 << 20));
    }
  });
});

function expectNothingButGatehouseError(run: () => unknown): void {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(GatehouseError);
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
