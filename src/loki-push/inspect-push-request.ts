import { malformedBody } from '../remote-write/malformed-body.js';
import { wireType } from '../remote-write/prompb-fields.js';
import { WireReader } from '../remote-write/wire-reader.js';
import {
  entryField,
  labelPairField,
  pushRequestField,
  streamField,
  timestampField,
} from './logproto-fields.js';
import { parseStreamLabels } from './parse-stream-labels.js';
import type { StreamLabels } from './stream-labels.js';

/** One StreamAdapter of a checked PushRequest, and where its payload lies in the request. */
export interface ProtoStream {
  labels: StreamLabels;
  start: number;
  end: number;
  entries: number;
}

export interface ProtoPush {
  streams: readonly ProtoStream[];
  entries: number;
}

const LEN = wireType.lengthDelimited;
const MAX_NANOS = 999_999_999;
const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * Walks a decoded `logproto.PushRequest`, failing with BODY_MALFORMED on the first wire-format
 * error. Stream labels are parsed; entries are checked as well-formed messages whose known
 * fields have their declared wire types. Unknown fields are skipped, as protobuf parsers do.
 */
export function inspectPushRequest(raw: Uint8Array): ProtoPush {
  const reader = new WireReader(raw);
  const end = raw.length;
  const streams: ProtoStream[] = [];

  while (reader.pos < end) {
    const tag = reader.tag(end);
    if (tag >>> 3 !== pushRequestField.streams) {
      reader.skip(tag & 7, end);
      continue;
    }

    reader.expect(tag & 7, LEN, 'PushRequest.streams');
    streams.push(inspectStream(reader, reader.lengthEnd(end), `stream ${streams.length}`));
  }

  if (streams.length === 0) throw malformedBody('push request has no streams');
  return { streams, entries: streams.reduce((sum, stream) => sum + stream.entries, 0) };
}

/**
 * A repeated labels field is refused: a protobuf parser keeps the last one, and forcing the
 * tenant label must never look at different labels than Loki does.
 */
function inspectStream(reader: WireReader, end: number, where: string): ProtoStream {
  const start = reader.pos;
  let labelText: string | undefined;
  let entries = 0;

  while (reader.pos < end) {
    const tag = reader.tag(end);
    const type = tag & 7;

    switch (tag >>> 3) {
      case streamField.labels:
        reader.expect(type, LEN, 'StreamAdapter.labels');
        if (labelText !== undefined) throw malformedBody(`${where} repeats its labels field`);
        labelText = readText(reader, reader.lengthEnd(end), where);
        break;
      case streamField.entries:
        reader.expect(type, LEN, 'StreamAdapter.entries');
        inspectEntry(reader, reader.lengthEnd(end), `${where} entry ${entries++}`);
        break;
      case streamField.hash:
        reader.expect(type, wireType.varint, 'StreamAdapter.hash');
        reader.skip(type, end);
        break;
      default:
        reader.skip(type, end);
    }
  }

  // proto3 does not tell an empty string from an absent one: both are a stream without labels.
  if (!labelText) throw malformedBody(`${where} has no labels`);
  return { labels: parseStreamLabels(labelText, where), start, end, entries };
}

function readText(reader: WireReader, end: number, where: string): string {
  try {
    return utf8.decode(reader.buf.subarray(reader.pos, end));
  } catch {
    throw malformedBody(`${where} labels are not valid UTF-8`);
  } finally {
    reader.pos = end;
  }
}

function inspectEntry(reader: WireReader, end: number, where: string): void {
  while (reader.pos < end) {
    const tag = reader.tag(end);
    const type = tag & 7;

    switch (tag >>> 3) {
      case entryField.timestamp:
        reader.expect(type, LEN, 'EntryAdapter.timestamp');
        inspectTimestamp(reader, reader.lengthEnd(end), where);
        break;
      case entryField.line:
        reader.expect(type, LEN, 'EntryAdapter.line');
        reader.pos = reader.lengthEnd(end);
        break;
      case entryField.structuredMetadata:
        reader.expect(type, LEN, 'EntryAdapter.structuredMetadata');
        inspectLabelPair(reader, reader.lengthEnd(end));
        break;
      default:
        reader.skip(type, end);
    }
  }
}

/** Loki converts with gogo's StdTimeUnmarshal, which refuses nanos outside [0, 1e9). */
function inspectTimestamp(reader: WireReader, end: number, where: string): void {
  while (reader.pos < end) {
    const tag = reader.tag(end);
    const type = tag & 7;

    if (tag >>> 3 === timestampField.nanos) {
      reader.expect(type, wireType.varint, 'Timestamp.nanos');
      const nanos = reader.varint(end);
      if (nanos > MAX_NANOS) throw malformedBody(`${where} timestamp has nanos ${nanos}`);
    } else if (tag >>> 3 === timestampField.seconds) {
      reader.expect(type, wireType.varint, 'Timestamp.seconds');
      reader.skip(type, end);
    } else {
      reader.skip(type, end);
    }
  }
}

function inspectLabelPair(reader: WireReader, end: number): void {
  while (reader.pos < end) {
    const tag = reader.tag(end);
    const type = tag & 7;

    if (tag >>> 3 === labelPairField.name) reader.expect(type, LEN, 'LabelPairAdapter.name');
    if (tag >>> 3 === labelPairField.value) reader.expect(type, LEN, 'LabelPairAdapter.value');
    reader.skip(type, end);
  }
}
