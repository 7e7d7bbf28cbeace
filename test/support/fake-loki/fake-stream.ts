/** A label set (of a stream, or an entry's structured metadata): name → value. */
export type Labels = Record<string, string>;

export interface FakeEntry {
  ts: bigint;
  line: string;
  metadata?: Labels;
}

export interface FakeStream {
  labels: Labels;
  entries: FakeEntry[];
}

/** Nanoseconds in a second: entry timestamps are Unix nanoseconds, as in Loki. */
export const NS = 1_000_000_000n;

/** Prometheus labels.String(): `{a="b", c="d"}`, names sorted. */
export function labelsString(labels: Labels): string {
  const pairs = Object.entries(labels)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${name}=${JSON.stringify(value)}`);
  return `{${pairs.join(', ')}}`;
}

/** Orders two nanosecond timestamps, for Array.prototype.sort. */
export function compareTimes(a: bigint, b: bigint): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
