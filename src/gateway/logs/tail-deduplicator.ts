import { createHash } from 'node:crypto';
import type { DroppedEntry, TailMessage, TailStream } from './tail-message.js';

/**
 * How many recent entries are remembered per tailing client (about 4 MB at most).
 * TODO(logs-tail): a count, not a time window: a copy arriving after this many other entries is
 * sent twice (docs/limitations.md).
 */
const defaultCapacity = 50_000;

/**
 * Joins the tails of several policy selectors into one (docs/enforcement.md: the union of what each
 * selector may see). An entry that two selectors both match reaches Gatehouse once per upstream;
 * it is sent to the client once, identified as mergeLogStreams does by stream labels, timestamp
 * and line. Memory is bounded: only the most recent `capacity` entries are remembered, which
 * covers the second copy as long as the upstreams deliver it within that many other entries.
 */
export class TailDeduplicator {
  readonly #seen = new Set<string>();
  readonly #capacity: number;

  constructor(capacity = defaultCapacity) {
    this.#capacity = capacity;
  }

  /** The part of `message` not sent before, or null when nothing new is left. */
  keep(message: TailMessage): TailMessage | null {
    const streams = (message.streams ?? []).map((stream) => this.#newValues(stream));
    const kept = streams.filter((stream) => stream.values.length > 0);
    const dropped = (message.dropped_entries ?? []).filter((entry) => this.#firstDrop(entry));
    if (kept.length === 0 && dropped.length === 0) return null;

    const { streams: _streams, dropped_entries: _dropped, ...rest } = message;
    return {
      ...rest,
      ...(kept.length > 0 ? { streams: kept } : {}),
      ...(dropped.length > 0 ? { dropped_entries: dropped } : {}),
    };
  }

  #newValues(stream: TailStream): TailStream {
    const labels = labelsKey(stream.stream);
    const values = (stream.values ?? []).filter((entry) =>
      this.#first(['entry', labels, entry[0], entry[1]]),
    );
    return { ...stream, values };
  }

  /** Both upstreams report an entry Loki dropped for a stream both selectors match. */
  #firstDrop(entry: DroppedEntry): boolean {
    return this.#first(['dropped', labelsKey(entry.labels ?? {}), entry.timestamp]);
  }

  #first(identity: string[]): boolean {
    // A digest keeps memory per entry small whatever the line length (128 bits: no collisions).
    const key = createHash('sha256').update(JSON.stringify(identity)).digest('base64').slice(0, 22);
    if (this.#seen.has(key)) return false;

    this.#seen.add(key);
    if (this.#seen.size > this.#capacity) this.#forgetOldest();
    return true;
  }

  #forgetOldest(): void {
    const oldest = this.#seen.values().next();
    if (!oldest.done) this.#seen.delete(oldest.value);
  }
}

function labelsKey(labels: Record<string, string>): string {
  return JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
