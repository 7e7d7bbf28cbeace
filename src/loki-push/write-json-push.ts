import type { JsonPushStream } from './read-json-push.js';
import type { StreamLabels } from './stream-labels.js';

/**
 * Serialises streams as a Loki v1 JSON push body. Only the fields Loki reads are written, so a
 * rewritten body carries nothing Gatehouse did not check.
 */
export function writeJsonPush(streams: readonly JsonPushStream[]): Buffer {
  const body = {
    streams: streams.map((stream) => ({
      stream: labelObject(stream.labels),
      values: stream.values,
    })),
  };
  return Buffer.from(JSON.stringify(body), 'utf8');
}

/** fromEntries defines own properties, so a label named `__proto__` stays a label. */
function labelObject(labels: StreamLabels): Record<string, string> {
  return Object.fromEntries(labels.map((label) => [label.name, label.value]));
}
