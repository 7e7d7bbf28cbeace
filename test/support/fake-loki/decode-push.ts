import { gunzipSync, inflateRawSync } from 'node:zlib';
import { uncompress } from 'snappyjs';
import { NS, type FakeEntry, type FakeStream, type Labels } from './fake-stream.js';
import { BadRequest } from './loki-answer.js';
import { headerValue, type LokiRequest } from './loki-request.js';
import { protobufFields } from './protobuf-fields.js';
import { parseSelectorOnly } from './stream-selector.js';

/** A push body: JSON or snappy protobuf (logproto.PushRequest), gzip/deflate on the wire. */
export function decodePush(request: LokiRequest): FakeStream[] {
  const encoding = (headerValue(request.headers['content-encoding']) ?? '').toLowerCase();
  const raw = inflated(request.body, encoding);
  const type = (headerValue(request.headers['content-type']) ?? '').split(';')[0]?.trim();

  try {
    return type === 'application/json'
      ? decodeJsonPush(raw)
      : decodeProtoPush(Buffer.from(uncompress(raw)));
  } catch (error) {
    if (error instanceof BadRequest) throw error;
    throw new BadRequest(`error parsing push request: ${(error as Error).message}`);
  }
}

function inflated(body: Buffer, encoding: string): Buffer {
  try {
    if (encoding === 'gzip') return gunzipSync(body);
    return encoding === 'deflate' ? inflateRawSync(body) : body;
  } catch (error) {
    throw new BadRequest(`${encoding}: ${(error as Error).message}`);
  }
}

function decodeJsonPush(raw: Buffer): FakeStream[] {
  const body = JSON.parse(raw.toString('utf8')) as {
    streams: { stream: Labels; values: [string, string, Labels?][] }[];
  };
  return body.streams.map((s) => ({
    labels: s.stream,
    entries: s.values.map(([ts, line, metadata]) => ({ ts: BigInt(ts), line, metadata })),
  }));
}

function decodeProtoPush(raw: Buffer): FakeStream[] {
  return protobufFields(raw)
    .filter((f) => f.field === 1)
    .map((f) => decodeProtoStream(f.bytes));
}

function decodeProtoStream(raw: Buffer): FakeStream {
  const parts = protobufFields(raw);
  const labelsText = parts.find((f) => f.field === 1)?.bytes.toString('utf8') ?? '{}';
  const labels = Object.fromEntries(parseSelectorOnly(labelsText).map((m) => [m.name, m.value]));
  const entries = parts.filter((f) => f.field === 2).map((f) => decodeProtoEntry(f.bytes));
  return { labels, entries };
}

function decodeProtoEntry(raw: Buffer): FakeEntry {
  const parts = protobufFields(raw);
  const timestamp = protobufFields(parts.find((f) => f.field === 1)?.bytes ?? Buffer.alloc(0));
  const seconds = timestamp.find((f) => f.field === 1)?.varint ?? 0n;
  const nanos = timestamp.find((f) => f.field === 2)?.varint ?? 0n;
  const metadata = parts
    .filter((f) => f.field === 3)
    .map((f) => protobufFields(f.bytes))
    .map((pair) => [
      pair.find((p) => p.field === 1)?.bytes.toString() ?? '',
      pair.find((p) => p.field === 2)?.bytes.toString() ?? '',
    ]);

  return {
    ts: seconds * NS + nanos,
    line: parts.find((f) => f.field === 2)?.bytes.toString('utf8') ?? '',
    ...(metadata.length > 0 ? { metadata: Object.fromEntries(metadata) } : {}),
  };
}
