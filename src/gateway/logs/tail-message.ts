/**
 * One message of Loki's v1 tail WebSocket (pkg/loghttp TailResponse):
 * `{"streams":[{"stream":{labels},"values":[[ts, line]]}],"dropped_entries":[{"timestamp":ts,
 * "labels":{labels}}]}`. Timestamps are nanoseconds as decimal strings; Loki leaves out empty
 * lists; an entry may carry a third element (structured metadata).
 */
export interface TailMessage {
  streams?: TailStream[];
  dropped_entries?: DroppedEntry[];
  [field: string]: unknown;
}

export interface TailStream {
  stream: Record<string, string>;
  values: TailEntry[];
}

export type TailEntry = [string, string, ...unknown[]];

export interface DroppedEntry {
  timestamp: string;
  labels?: Record<string, string>;
}

/** Reads a tail message; throws with the reason when it is not one (Gatehouse fails closed). */
export function parseTailMessage(text: string): TailMessage {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    throw new Error('an upstream tail message is not JSON');
  }

  if (!isRecord(message)) throw new Error('an upstream tail message is not a JSON object');
  if (!optionalList(message.streams, isStream))
    throw new Error('an upstream tail message has malformed streams');
  if (!optionalList(message.dropped_entries, isDropped))
    throw new Error('an upstream tail message has malformed dropped_entries');

  return message as TailMessage;
}

function isStream(value: unknown): value is TailStream {
  return isRecord(value) && isLabels(value.stream) && optionalList(value.values, isEntry);
}

function isEntry(value: unknown): value is TailEntry {
  return Array.isArray(value) && typeof value[0] === 'string' && typeof value[1] === 'string';
}

function isDropped(value: unknown): value is DroppedEntry {
  return (
    isRecord(value) &&
    typeof value.timestamp === 'string' &&
    (value.labels === undefined || isLabels(value.labels))
  );
}

function isLabels(value: unknown): value is Record<string, string> {
  return isRecord(value) && Object.values(value).every((label) => typeof label === 'string');
}

function optionalList(value: unknown, check: (item: unknown) => boolean): boolean {
  return value === undefined || value === null || (Array.isArray(value) && value.every(check));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
