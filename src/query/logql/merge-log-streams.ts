/** One entry of a Loki `streams` result: [nanosecond timestamp, line, optional metadata]. */
export type LokiEntry = [string, string] | [string, string, unknown];

/** One stream of a Loki `streams` result (HTTP API, resultType "streams"). */
export interface LokiStream {
  stream: Record<string, string>;
  values: LokiEntry[];
}

export type LogDirection = 'forward' | 'backward';

interface KeyedEntry {
  streamKey: string;
  time: bigint;
  entry: LokiEntry;
}

/**
 * Merges the answers of a fanned-out log query (one query per policy selector) as one Loki query
 * would have answered: entries of the same stream label set come together, an entry that two
 * selectors both matched (same labels, timestamp and line) is kept once, and `limit` counts
 * entries over all streams, taking the oldest first for `forward` and the newest first for
 * `backward`. Each answer holds its own first `limit` entries, so the merged first `limit` are
 * exact. Streams come in the order of their first entry; equal timestamps keep answer order.
 */
export function mergeLogStreams(
  results: readonly (readonly LokiStream[])[],
  direction: LogDirection,
  limit: number,
): LokiStream[] {
  const labels = new Map<string, Record<string, string>>();
  const entries = uniqueEntries(results, labels);

  const sign = direction === 'forward' ? 1 : -1;
  entries.sort((a, b) => sign * compareTime(a.time, b.time));
  return regroup(entries.slice(0, Math.max(0, Math.floor(limit))), labels);
}

function uniqueEntries(
  results: readonly (readonly LokiStream[])[],
  labels: Map<string, Record<string, string>>,
): KeyedEntry[] {
  const seen = new Set<string>();
  const entries: KeyedEntry[] = [];
  for (const stream of results.flat()) {
    const streamKey = labelsKey(stream.stream);
    labels.set(streamKey, labels.get(streamKey) ?? stream.stream);
    for (const entry of stream.values) {
      const entryKey = JSON.stringify([streamKey, entry[0], entry[1]]);
      if (!seen.has(entryKey)) {
        seen.add(entryKey);
        entries.push({ streamKey, time: parseTime(entry[0]), entry });
      }
    }
  }
  return entries;
}

function regroup(entries: readonly KeyedEntry[], labels: Map<string, Record<string, string>>) {
  const streams = new Map<string, LokiStream>();
  for (const { streamKey, entry } of entries) {
    const stream = streams.get(streamKey) ?? { stream: labels.get(streamKey) ?? {}, values: [] };
    stream.values.push(entry);
    streams.set(streamKey, stream);
  }
  return [...streams.values()];
}

function labelsKey(labels: Record<string, string>): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Loki sends nanoseconds since the epoch as a decimal string; they exceed 2^53. */
function parseTime(text: string): bigint {
  if (!/^-?\d+$/.test(text)) {
    throw new Error(`invalid Loki entry timestamp ${JSON.stringify(text)}`);
  }
  return BigInt(text);
}

function compareTime(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
