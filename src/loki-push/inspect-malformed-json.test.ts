import { deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { inspectLokiPush } from './inspect-loki-push.js';

const limits = { maxBodyBytes: 64 * 1024, maxDecodedBodyBytes: 256 * 1024 };

const json = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8');
const text = (value: string) => Buffer.from(value, 'utf8');
const oneStream = (fields: Record<string, unknown>) => json({ streams: [fields] });
const oneEntry = (value: unknown) => oneStream({ stream: { app: 'x' }, values: [value] });
const valid = json({ streams: [{ stream: { app: 'x' }, values: [['1', 'a']] }] });

/** Each row: what the client sent, and the part of the 400's reason that names the fault. */
const shapes: { name: string; body: Buffer; reason: string }[] = [
  { name: 'an empty body', body: Buffer.alloc(0), reason: 'empty push body' },
  { name: 'text that is not JSON', body: text('{"streams": ['), reason: 'invalid JSON' },
  {
    name: 'a byte order mark before the JSON',
    body: Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), valid]),
    reason: 'invalid JSON',
  },
  { name: 'bytes that are not UTF-8', body: Buffer.from([0x7b, 0xff, 0x7d]), reason: 'UTF-8' },
  {
    name: 'a top-level array',
    body: json([]),
    reason: 'push request is an array of 0, expected an object',
  },
  {
    name: 'no streams key',
    body: json({}),
    reason: 'push request field streams is missing, expected an array',
  },
  {
    name: 'streams that is an object',
    body: json({ streams: {} }),
    reason: 'streams is an object, expected an array',
  },
  { name: 'an empty streams list', body: json({ streams: [] }), reason: 'has no streams' },
  {
    name: 'a stream that is a string',
    body: json({ streams: ['x'] }),
    reason: 'stream 0 is the string "x", expected an object',
  },
  {
    name: 'a stream without its stream key',
    body: oneStream({ values: [] }),
    reason: 'stream 0 field stream is missing',
  },
  {
    name: 'a stream with no labels',
    body: oneStream({ stream: {}, values: [] }),
    reason: 'stream 0 has no labels',
  },
  {
    name: 'a label value that is a number',
    body: oneStream({ stream: { port: 80 }, values: [] }),
    reason: 'label port is the number 80, expected a string',
  },
  {
    name: 'a dotted label name',
    body: oneStream({ stream: { 'k8s.pod': 'x' }, values: [] }),
    reason: 'label name "k8s.pod"',
  },
  {
    name: 'a label value with a lone surrogate',
    body: text('{"streams":[{"stream":{"a":"\\ud800"},"values":[]}]}'),
    reason: 'value of label a that is not valid Unicode',
  },
  {
    name: 'a stream without values',
    body: oneStream({ stream: { app: 'x' } }),
    reason: 'stream 0 field values is missing',
  },
  {
    name: 'an entry that is an object',
    body: oneEntry({ ts: '1', line: 'a' }),
    reason: 'stream 0 entry 0 is an object, expected ["<unix ns>", "<line>"]',
  },
  { name: 'an entry of one element', body: oneEntry(['1']), reason: 'entry 0 is an array of 1' },
  {
    name: 'an entry of four elements',
    body: oneEntry(['1', 'a', {}, 'b']),
    reason: 'entry 0 is an array of 4',
  },
  {
    name: 'a numeric timestamp',
    body: oneEntry([1, 'a']),
    reason: 'timestamp is the number 1, expected a decimal string of Unix nanoseconds',
  },
  {
    name: 'a timestamp in exponent form',
    body: oneEntry(['1.7e18', 'a']),
    reason: 'timestamp is the string "1.7e18"',
  },
  {
    name: 'an RFC 3339 timestamp',
    body: oneEntry(['2024-01-01T00:00:00Z', 'a']),
    reason: 'timestamp is the string "2024-01-01T00:00:00Z"',
  },
  { name: 'a negative timestamp', body: oneEntry(['-1', 'a']), reason: 'the string "-1"' },
  {
    name: 'a timestamp past int64',
    body: oneEntry(['9223372036854775808', 'a']),
    reason: 'timestamp is the string "9223372036854775808"',
  },
  { name: 'an empty timestamp', body: oneEntry(['', 'a']), reason: 'timestamp is the string ""' },
  {
    name: 'a line that is null',
    body: oneEntry(['1', null]),
    reason: 'line is null, expected a string',
  },
  {
    name: 'structured metadata that is a string',
    body: oneEntry(['1', 'a', 'k=v']),
    reason: 'structured metadata is the string "k=v", expected an object',
  },
  {
    name: 'structured metadata that is an array',
    body: oneEntry(['1', 'a', []]),
    reason: 'structured metadata is an array of 0, expected an object',
  },
  {
    name: 'a structured metadata value that is a number',
    body: oneEntry(['1', 'a', { n: 1 }]),
    reason: 'structured metadata n is the number 1, expected a string',
  },
  {
    name: 'a key json-iterator would read as stream',
    body: oneStream({ stream: { app: 'x' }, Stream: { app: 'y' }, values: [] }),
    reason: 'stream 0 has key "Stream", expected exactly "stream"',
  },
  {
    name: 'a key Go folds to streams',
    body: json({ streams: [], ſtreams: [] }),
    reason: 'push request has key "ſtreams", expected exactly "streams"',
  },
];

const compression: { name: string; encoding: string; body: Buffer; reason: string }[] = [
  {
    name: 'gzip cut short',
    encoding: 'gzip',
    body: gzipSync(valid).subarray(0, 20),
    reason: 'gzip: unexpected end of file',
  },
  {
    name: 'plain JSON declared gzip',
    encoding: 'gzip',
    body: valid,
    reason: 'gzip: incorrect header check',
  },
  {
    name: 'gzip followed by garbage',
    encoding: 'gzip',
    body: Buffer.concat([gzipSync(valid), text('junk')]),
    reason: 'gzip:',
  },
  {
    name: 'zlib-wrapped deflate, which Loki cannot read either',
    encoding: 'deflate',
    body: deflateSync(valid),
    reason: 'deflate:',
  },
];

describe('inspectLokiPush refuses a malformed JSON body with 400', () => {
  it.each(shapes)('$name', ({ body, reason }) => {
    expect(() => inspectLokiPush(body, 'application/json', undefined, limits)).toThrow(
      malformed(reason),
    );
  });

  it.each(compression)('$name', ({ encoding, body, reason }) => {
    expect(() => inspectLokiPush(body, 'application/json', encoding, limits)).toThrow(
      malformed(reason),
    );
  });

  it('keeps an overlong value out of the reason', () => {
    const body = oneEntry([`1${'x'.repeat(10_000)}`, 'a']);

    expect(() => inspectLokiPush(body, 'application/json', undefined, limits)).toThrow(
      expect.objectContaining({ message: expect.stringMatching(/^.{0,300}$/s) }),
    );
  });
});

function malformed(reason: string) {
  return expect.objectContaining({
    code: 'BODY_MALFORMED',
    status: 400,
    message: expect.stringContaining(reason),
  });
}
