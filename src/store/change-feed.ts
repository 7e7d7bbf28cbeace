import type { StoreChange } from './store.js';

/** Tells in-process caches that a stored thing changed, so they drop it at once. */
export class ChangeFeed {
  readonly #listeners: ((change: StoreChange) => void)[] = [];

  subscribe(listener: (change: StoreChange) => void): void {
    this.#listeners.push(listener);
  }

  emit(change: StoreChange): void {
    for (const listener of this.#listeners) listener(change);
  }
}
