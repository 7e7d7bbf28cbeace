import { malformedBody } from '../remote-write/malformed-body.js';
import { checkStreamLabels, type StreamLabels } from './stream-labels.js';

/** Structured metadata of one entry (Loki 3): names to values, both strings. */
export type StructuredMetadata = Readonly<Record<string, string>>;

/** `["<unix ns>", "<line>"]`, optionally with structured metadata third. */
export type JsonEntry = readonly [string, string] | readonly [string, string, StructuredMetadata];

export interface JsonPushStream {
  labels: StreamLabels;
  values: readonly JsonEntry[];
}

export interface JsonPush {
  streams: readonly JsonPushStream[];
  entries: number;
}

/** Keeps a byte order mark, so JSON.parse refuses it as Go's JSON decoders do. */
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
/** Loki parses the timestamp with strconv.ParseInt(s, 10, 64); Gatehouse takes no sign. */
const decimal = /^[0-9]{1,19}$/;
const INT64_MAX = 2n ** 63n - 1n;
const PREVIEW_CHARS = 40;

/**
 * Reads a Loki v1 JSON push body, `{"streams": [{"stream": {labels}, "values": [entries]}]}`
 * (Loki HTTP API, "Ingest logs"), failing with BODY_MALFORMED on the first shape error.
 * Unknown keys are ignored as Loki ignores them, except near-misses of a known key.
 */
export function readJsonPush(payload: Buffer): JsonPush {
  const request = expectObject(parseJson(payload), 'push request', ['streams']);
  const streams = expectArray(request['streams'], 'push request field streams');
  if (streams.length === 0) throw malformedBody('push request has no streams');

  const read = streams.map((stream, index) => readStream(stream, `stream ${index}`));
  const entries = read.reduce((sum, stream) => sum + stream.values.length, 0);
  return { streams: read, entries };
}

function parseJson(payload: Buffer): unknown {
  let text: string;
  try {
    text = utf8.decode(payload);
  } catch {
    throw malformedBody('JSON body is not valid UTF-8');
  }

  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw malformedBody(`invalid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function readStream(value: unknown, where: string): JsonPushStream {
  const stream = expectObject(value, where, ['stream', 'values']);
  const labels = readLabels(stream['stream'], where);
  const values = expectArray(stream['values'], `${where} field values`);

  return {
    labels,
    values: values.map((entry, index) => readEntry(entry, `${where} entry ${index}`)),
  };
}

function readLabels(value: unknown, where: string): StreamLabels {
  const labels = Object.entries(expectObject(value, `${where} field stream`, []));
  const read = labels.map(([name, labelValue]) => {
    if (typeof labelValue !== 'string') {
      throw malformedBody(`${where} label ${name} is ${describe(labelValue)}, expected a string`);
    }
    return { name, value: labelValue };
  });

  return checkStreamLabels(read, where);
}

function readEntry(value: unknown, where: string): JsonEntry {
  if (!Array.isArray(value) || value.length < 2 || value.length > 3) {
    throw malformedBody(
      `${where} is ${describe(value)}, expected ["<unix ns>", "<line>"] or ` +
        '["<unix ns>", "<line>", {structured metadata}]',
    );
  }

  const [timestamp, line, metadata] = value as unknown[];
  const checkedTimestamp = checkTimestamp(timestamp, where);
  if (typeof line !== 'string') {
    throw malformedBody(`${where} line is ${describe(line)}, expected a string`);
  }

  if (value.length === 2) return [checkedTimestamp, line];
  return [checkedTimestamp, line, readMetadata(metadata, where)];
}

function checkTimestamp(value: unknown, where: string): string {
  if (typeof value === 'string' && decimal.test(value) && BigInt(value) <= INT64_MAX) return value;

  throw malformedBody(
    `${where} timestamp is ${describe(value)}, expected a decimal string of Unix nanoseconds`,
  );
}

/** Loki refuses a structured metadata value that is not a string (loghttp/entry.go). */
function readMetadata(value: unknown, where: string): StructuredMetadata {
  const metadata = expectObject(value, `${where} structured metadata`, []);
  for (const [name, metadataValue] of Object.entries(metadata)) {
    if (typeof metadataValue !== 'string') {
      throw malformedBody(
        `${where} structured metadata ${name} is ${describe(metadataValue)}, expected a string`,
      );
    }
  }

  return metadata as StructuredMetadata;
}

/**
 * Loki decodes with json-iterator, which matches field names without regard to case (as Go's
 * encoding/json does, folding `ſ` and `K` too): `"Stream"` would be read as `"stream"`. A body
 * holding such a near-miss is refused, so Gatehouse and Loki cannot read two different fields.
 */
function expectObject(
  value: unknown,
  where: string,
  known: readonly string[],
): Readonly<Record<string, unknown>> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw malformedBody(`${where} is ${describe(value)}, expected an object`);
  }

  for (const key of Object.keys(value)) {
    const twin = known.find((name) => name !== key && fold(name) === fold(key));
    if (twin !== undefined) {
      throw malformedBody(`${where} has key ${JSON.stringify(key)}, expected exactly "${twin}"`);
    }
  }

  return value as Readonly<Record<string, unknown>>;
}

function expectArray(value: unknown, where: string): readonly unknown[] {
  if (!Array.isArray(value))
    throw malformedBody(`${where} is ${describe(value)}, expected an array`);

  return value;
}

function fold(key: string): string {
  return key.toLowerCase().toUpperCase();
}

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (typeof value === 'object') return 'an object';
  if (typeof value !== 'string') return `the ${typeof value} ${String(value)}`;

  const preview = value.length > PREVIEW_CHARS ? `${value.slice(0, PREVIEW_CHARS)}...` : value;
  return `the string ${JSON.stringify(preview)}`;
}
