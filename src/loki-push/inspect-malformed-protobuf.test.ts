import { describe, expect, it } from 'vitest';
import { wireType } from '../remote-write/prompb-fields.js';
import { ProtoWriter } from '../remote-write/proto-writer.js';
import { encodeSnappyBlock } from '../remote-write/snappy-block.js';
import { encodePushRequest, type TestStream } from './encode-push-request.js';
import { inspectLokiPush } from './inspect-loki-push.js';

const limits = { maxBodyBytes: 64 * 1024, maxDecodedBodyBytes: 256 * 1024 };
const LEN = wireType.lengthDelimited;

const shop: TestStream = {
  labels: '{app="shop"}',
  entries: [{ timestampNs: 1_700_000_000_000_000_000n, line: 'hello', structuredMetadata: {} }],
};

const proto = () => new ProtoWriter();
const labelled = (build: (stream: ProtoWriter) => void) =>
  proto()
    .message(1, (stream) => build(stream.string(1, '{a="1"}')))
    .finish();
const withEntry = (build: (entry: ProtoWriter) => void) =>
  labelled((stream) => stream.message(2, build));

/** Each row: the decoded PushRequest, and the part of the 400's reason that names the fault. */
const requests: { name: string; raw: Buffer; reason: string }[] = [
  { name: 'an empty PushRequest', raw: Buffer.alloc(0), reason: 'push request has no streams' },
  { name: 'only unknown fields', raw: proto().string(2, 'loki').finish(), reason: 'no streams' },
  {
    name: 'streams as a varint',
    raw: proto().tag(1, wireType.varint).varint(1).finish(),
    reason: 'PushRequest.streams has wire type 0, expected 2',
  },
  {
    name: 'a truncated stream',
    raw: encodePushRequest([shop]).subarray(0, 30),
    reason: 'runs past the end of its message',
  },
  {
    name: 'a stream without labels',
    raw: proto()
      .message(1, (stream) => stream.message(2, (entry) => entry.string(2, 'x')))
      .finish(),
    reason: 'stream 0 has no labels',
  },
  {
    name: 'a stream with empty labels text',
    raw: encodePushRequest([{ labels: '', entries: [] }]),
    reason: 'stream 0 has no labels',
  },
  {
    name: 'labels that are not a selector',
    raw: encodePushRequest([{ labels: 'app=shop', entries: [] }]),
    reason: `stream 0 labels "app=shop": expected '{' at offset 0`,
  },
  {
    name: 'labels with a regex matcher, in the second stream',
    raw: encodePushRequest([shop, { labels: '{a=~".*"}', entries: [] }]),
    reason: 'stream 1 labels',
  },
  {
    name: 'labels that repeat a name',
    raw: encodePushRequest([{ labels: '{a="1",a="2"}', entries: [] }]),
    reason: 'stream 0 repeats label a',
  },
  {
    name: 'a repeated labels field',
    raw: labelled((stream) => stream.string(1, '{a="2"}')),
    reason: 'stream 0 repeats its labels field',
  },
  {
    name: 'labels that are not UTF-8',
    raw: proto()
      .message(1, (stream) => stream.bytes(1, Buffer.from([0x7b, 0xc3, 0x7d])))
      .finish(),
    reason: 'stream 0 labels are not valid UTF-8',
  },
  {
    name: 'a hash that is a string',
    raw: labelled((stream) => stream.string(3, 'x')),
    reason: 'StreamAdapter.hash has wire type 2',
  },
  {
    name: 'entries as a varint',
    raw: labelled((stream) => stream.tag(2, wireType.varint).varint(1)),
    reason: 'StreamAdapter.entries has wire type 0',
  },
  {
    name: 'nanos of a whole second',
    raw: withEntry((entry) =>
      entry.message(1, (time) => time.tag(2, wireType.varint).varint(1_000_000_000)),
    ),
    reason: 'stream 0 entry 0 timestamp has nanos 1000000000',
  },
  {
    name: 'negative nanos',
    raw: withEntry((entry) => entry.message(1, (time) => time.int64(2, -1))),
    reason: 'stream 0 entry 0 timestamp has nanos',
  },
  {
    name: 'seconds as a fixed64',
    raw: withEntry((entry) => entry.message(1, (time) => time.double(1, 1))),
    reason: 'Timestamp.seconds has wire type 1',
  },
  {
    name: 'a line that is a varint',
    raw: withEntry((entry) => entry.tag(2, wireType.varint).varint(7)),
    reason: 'EntryAdapter.line has wire type 0',
  },
  {
    name: 'a structured metadata pair cut short',
    raw: withEntry((entry) => entry.message(3, (pair) => pair.tag(1, LEN).varint(9).raw([0x61]))),
    reason: 'runs past the end of its message',
  },
  {
    name: 'a structured metadata value that is a varint',
    raw: withEntry((entry) => entry.message(3, (pair) => pair.tag(2, wireType.varint).varint(1))),
    reason: 'LabelPairAdapter.value has wire type 0',
  },
  {
    name: 'a deprecated group',
    raw: proto().tag(5, wireType.startGroup).finish(),
    reason: 'unsupported wire type 3 (group)',
  },
];

const snappyBodies: { name: string; body: Buffer; reason: string }[] = [
  { name: 'a body that is not snappy', body: Buffer.from('hello world'), reason: 'snappy' },
  {
    name: 'snappy shorter than its preamble says',
    body: Buffer.from([0x0a, 0x08, 0x61, 0x62, 0x63]),
    reason: 'snappy',
  },
  { name: 'a snappy preamble cut short', body: Buffer.from([0x80]), reason: 'truncated' },
];

describe('inspectLokiPush refuses a malformed protobuf body with 400', () => {
  it.each(requests)('$name', ({ raw, reason }) => {
    const body = encodeSnappyBlock(raw);

    expect(() => inspectLokiPush(body, 'application/x-protobuf', undefined, limits)).toThrow(
      malformed(reason),
    );
  });

  it.each(snappyBodies)('$name', ({ body, reason }) => {
    expect(() => inspectLokiPush(body, 'application/x-protobuf', undefined, limits)).toThrow(
      malformed(reason),
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
