/**
 * A token bucket per key: `perHour` requests an hour on average, and up to `perHour` at once
 * after a quiet hour, like Grafana Cloud's "600 requests an hour" on access-policy endpoints.
 */
export class RateLimiter {
  readonly #capacity: number;
  readonly #perMs: number;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(perHour: number) {
    this.#capacity = perHour;
    this.#perMs = perHour / 3_600_000;
  }

  /** Takes one request from `key`'s budget; returns 0 when allowed, else seconds to wait. */
  take(key: string, now: number): number {
    if (this.#capacity === 0) return 0;

    const bucket = this.#refill(key, now);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return 0;
    }

    return Math.max(1, Math.ceil((1 - bucket.tokens) / this.#perMs / 1000));
  }

  #refill(key: string, now: number): { tokens: number; at: number } {
    const bucket = this.#buckets.get(key) ?? { tokens: this.#capacity, at: now };
    bucket.tokens = Math.min(this.#capacity, bucket.tokens + (now - bucket.at) * this.#perMs);
    bucket.at = now;

    this.#buckets.set(key, bucket);
    if (this.#buckets.size > 100_000) this.#forgetFull();
    return bucket;
  }

  /** Full buckets hold no information: dropping them bounds memory. */
  #forgetFull(): void {
    for (const [key, bucket] of this.#buckets) {
      if (bucket.tokens >= this.#capacity - 1) this.#buckets.delete(key);
    }
  }
}
