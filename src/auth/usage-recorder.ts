import type { Store, TokenUsage } from '../store/store.js';

/**
 * Keeps firstUsedAt/lastUsedAt in memory and writes them in one batch every interval, so a
 * busy token costs no database write per request (docs/configuration.md).
 */
export class UsageRecorder {
  readonly #store: Store;
  readonly #pending = new Map<string, TokenUsage>();
  readonly #timer: NodeJS.Timeout;

  constructor(store: Store, flushMs: number) {
    this.#store = store;
    this.#timer = setInterval(() => void this.flush(), flushMs);
    this.#timer.unref();
  }

  record(tokenId: string, at: Date): void {
    const known = this.#pending.get(tokenId);
    if (known) {
      known.lastUsedAt = at;
      return;
    }

    this.#pending.set(tokenId, { tokenId, firstUsedAt: at, lastUsedAt: at });
  }

  async flush(): Promise<void> {
    if (this.#pending.size === 0) return;

    const batch = [...this.#pending.values()];
    this.#pending.clear();
    await this.#store.recordUsage(batch);
  }

  async close(): Promise<void> {
    clearInterval(this.#timer);
    await this.flush();
  }
}
