import { compareTimes, labelsString, type FakeStream } from './fake-stream.js';

/** The streams of every tenant, one per label set, as pushes leave them in Loki's ingester. */
export class StreamStore {
  /** tenant → label key → stream */
  readonly #tenants = new Map<string, Map<string, FakeStream>>();

  add(tenant: string, stream: FakeStream): void {
    const streams = this.#tenants.get(tenant) ?? new Map<string, FakeStream>();
    this.#tenants.set(tenant, streams);

    const key = labelsString(stream.labels);
    const known = streams.get(key) ?? { labels: { ...stream.labels }, entries: [] };
    for (const entry of stream.entries) {
      // Loki's ingester drops an entry identical (timestamp and line) to one it holds.
      if (!known.entries.some((e) => e.ts === entry.ts && e.line === entry.line))
        known.entries.push(entry);
    }
    known.entries.sort((a, b) => compareTimes(a.ts, b.ts));
    streams.set(key, known);
  }

  streams(tenant: string): FakeStream[] {
    return [...(this.#tenants.get(tenant)?.values() ?? [])];
  }

  clear(): void {
    this.#tenants.clear();
  }
}
