import { wireType } from '../remote-write/prompb-fields.js';
import { ProtoWriter } from '../remote-write/proto-writer.js';
import {
  entryField,
  labelPairField,
  pushRequestField,
  streamField,
  timestampField,
} from './logproto-fields.js';

export interface TestEntry {
  /** Nanoseconds since the Unix epoch. */
  timestampNs: bigint;
  line: string;
  structuredMetadata?: Record<string, string>;
}

export interface TestStream {
  /** The labels text exactly as a client sends it, e.g. `{app="shop"}`. */
  labels: string;
  entries: TestEntry[];
  hash?: number;
}

const NANOS_PER_SECOND = 1_000_000_000n;

/**
 * Encodes a `logproto.PushRequest` (not yet snappy-compressed) for tests, the demo and
 * benchmarks. Labels text is written as given, so tests can send what no parser would accept.
 */
export function encodePushRequest(streams: TestStream[]): Buffer {
  const writer = new ProtoWriter();
  for (const stream of streams) {
    writer.message(pushRequestField.streams, (w) => writeStream(w, stream));
  }

  return writer.finish();
}

function writeStream(writer: ProtoWriter, stream: TestStream): void {
  writer.string(streamField.labels, stream.labels);
  for (const entry of stream.entries) {
    writer.message(streamField.entries, (w) => writeEntry(w, entry));
  }

  if (stream.hash !== undefined) {
    writer.tag(streamField.hash, wireType.varint).varint(stream.hash);
  }
}

function writeEntry(writer: ProtoWriter, entry: TestEntry): void {
  const seconds = entry.timestampNs / NANOS_PER_SECOND;
  const nanos = entry.timestampNs % NANOS_PER_SECOND;
  writer.message(entryField.timestamp, (w) =>
    w
      .int64(timestampField.seconds, Number(seconds))
      .tag(timestampField.nanos, wireType.varint)
      .varint(nanos),
  );
  writer.string(entryField.line, entry.line);

  for (const [name, value] of Object.entries(entry.structuredMetadata ?? {})) {
    writer.message(entryField.structuredMetadata, (w) =>
      w.string(labelPairField.name, name).string(labelPairField.value, value),
    );
  }
}
