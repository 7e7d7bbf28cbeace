import { isClassicLabelName } from '../query/promql/label-name.js';
import { encodeSnappyBlock } from '../remote-write/snappy-block.js';
import type { LokiPushLimits } from './loki-push-limits.js';
import { summarizeLokiPush, type LokiPushSummary } from './loki-push-summary.js';
import { readLokiPush, type LokiPushBody } from './read-loki-push.js';
import { relabelPushRequest, type Relabel } from './relabel-push-request.js';
import { withForcedLabel, type StreamLabel } from './stream-labels.js';
import { writeJsonPush } from './write-json-push.js';

type JsonBody = Extract<LokiPushBody, { format: 'json' }>;
type ProtobufBody = Extract<LokiPushBody, { format: 'protobuf' }>;

/** A rewritten push body and the headers to send it with. */
export interface ForcedLokiPush {
  body: Buffer;
  contentType: 'application/json' | 'application/x-protobuf';
  /**
   * Always null: send no Content-Encoding. A gzip or deflate body comes back inflated; protobuf
   * comes back snappy-compressed, as Loki expects it whatever the header says.
   */
  contentEncoding: null;
  /** The body as rewritten: every label set carries the forced label. */
  summary: LokiPushSummary;
}

/**
 * Tenancy `label` mode for Loki: every stream gets `label=value`, replacing any value the client
 * sent, so stacks sharing one Loki cannot write into each other's streams. The body is checked
 * as inspectLokiPush checks it, and fails with the same errors.
 *
 * JSON is written anew from what was checked (unknown keys dropped); protobuf is spliced, its
 * entries and structured metadata copied byte for byte.
 */
export function forceLokiTenantLabel(
  body: Buffer,
  contentType: string | undefined,
  contentEncoding: string | undefined,
  label: string,
  value: string,
  limits: LokiPushLimits,
): ForcedLokiPush {
  const forced = forcedLabel(label, value);
  const relabel: Relabel = (labels) => withForcedLabel(labels, forced);
  const read = readLokiPush(body, contentType, contentEncoding, limits);

  return read.format === 'json' ? forceJson(read, relabel) : forceProtobuf(read, relabel);
}

function forceJson(read: JsonBody, relabel: Relabel): ForcedLokiPush {
  const streams = read.push.streams.map((stream) => ({
    ...stream,
    labels: relabel(stream.labels),
  }));
  const payload = writeJsonPush(streams);

  const summary = summarizeLokiPush({ format: 'json', payload, push: { ...read.push, streams } });
  return { body: payload, contentType: 'application/json', contentEncoding: null, summary };
}

function forceProtobuf(read: ProtobufBody, relabel: Relabel): ForcedLokiPush {
  const payload = relabelPushRequest(read.payload, read.push, relabel);
  const streams = read.push.streams.map((stream) => ({ labels: relabel(stream.labels) }));

  const summary = summarizeLokiPush({ ...read, payload, push: { ...read.push, streams } });
  const body = encodeSnappyBlock(payload);
  return { body, contentType: 'application/x-protobuf', contentEncoding: null, summary };
}

/** Configuration, not request input: a bad name or an empty value is a bug, not a 400. */
function forcedLabel(name: string, value: string): StreamLabel {
  if (!isClassicLabelName(name)) throw new RangeError(`invalid tenant label name ${name}`);
  if (value === '') throw new RangeError('the tenant label value must not be empty');

  return { name, value };
}
