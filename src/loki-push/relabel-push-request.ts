import { lengthDelimitedTag, wireType } from '../remote-write/prompb-fields.js';
import { ProtoWriter } from '../remote-write/proto-writer.js';
import { WireReader } from '../remote-write/wire-reader.js';
import { formatStreamLabels } from './format-stream-labels.js';
import type { ProtoPush, ProtoStream } from './inspect-push-request.js';
import { pushRequestField, streamField } from './logproto-fields.js';
import type { StreamLabels } from './stream-labels.js';

export type Relabel = (labels: StreamLabels) => StreamLabels;

const STREAM_TAG = lengthDelimitedTag(pushRequestField.streams);

/**
 * Rewrites a PushRequest checked by inspectPushRequest so each stream carries `relabel(labels)`
 * as its labels text. Entries (with their structured metadata), PushRequest.format and unknown
 * fields are copied byte for byte. StreamAdapter.hash is dropped: it hashes the labels the client
 * sent, and Loki's distributor recomputes it from the labels anyway.
 */
export function relabelPushRequest(raw: Uint8Array, push: ProtoPush, relabel: Relabel): Buffer {
  const chunks: Uint8Array[] = [];
  const reader = new WireReader(raw);
  let runStart = 0;
  let index = 0;

  while (reader.pos < raw.length) {
    const fieldStart = reader.pos;
    const tag = reader.tag(raw.length);
    if (tag !== STREAM_TAG) {
      reader.skip(tag & 7, raw.length);
      continue;
    }

    const end = reader.lengthEnd(raw.length);
    const stream = streamAt(push, index++, reader.pos, end);
    chunks.push(raw.subarray(runStart, fieldStart), ...rewriteStream(raw, stream, relabel));
    reader.pos = stream.end;
    runStart = stream.end;
  }

  chunks.push(raw.subarray(runStart));
  return Buffer.concat(chunks);
}

/** The inspected stream that starts at `start`; anything else means `push` is not for `raw`. */
function streamAt(push: ProtoPush, index: number, start: number, end: number): ProtoStream {
  const stream = push.streams[index];
  if (stream === undefined || stream.start !== start || stream.end !== end) {
    throw new Error('relabelPushRequest was given the inspection of another request');
  }

  return stream;
}

function rewriteStream(raw: Uint8Array, stream: ProtoStream, relabel: Relabel): Uint8Array[] {
  const labels = formatStreamLabels(relabel(stream.labels));
  const labelsField = new ProtoWriter().string(streamField.labels, labels).finish();
  const kept = keptFields(raw, stream);
  const length = kept.reduce((sum, run) => sum + run.length, labelsField.length);

  const header = new ProtoWriter()
    .tag(pushRequestField.streams, wireType.lengthDelimited)
    .varint(length)
    .finish();
  return [header, labelsField, ...kept];
}

/** The stream's fields other than labels and hash, as runs of untouched bytes. */
function keptFields(raw: Uint8Array, stream: ProtoStream): Uint8Array[] {
  const reader = new WireReader(raw);
  const runs: Uint8Array[] = [];
  let runStart = stream.start;
  reader.pos = stream.start;

  while (reader.pos < stream.end) {
    const fieldStart = reader.pos;
    const tag = reader.tag(stream.end);
    reader.skip(tag & 7, stream.end);

    const field = tag >>> 3;
    if (field === streamField.labels || field === streamField.hash) {
      if (fieldStart > runStart) runs.push(raw.subarray(runStart, fieldStart));
      runStart = reader.pos;
    }
  }

  if (stream.end > runStart) runs.push(raw.subarray(runStart, stream.end));
  return runs;
}
