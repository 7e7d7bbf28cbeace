import type { Service } from '../model/service.js';
import type { Stack } from '../model/stack.js';
import type { Store } from '../store/store.js';

export interface InstanceTarget {
  stack: Stack;
  service: Service;
}

/** Instance id → stack lookups for the hot path, emptied whenever a stack changes. */
export class StackDirectory {
  readonly #store: Store;
  readonly #byInstance = new Map<number, InstanceTarget | null>();
  readonly #byOrg = new Map<number, Stack[]>();
  #generation = 0;

  constructor(store: Store) {
    this.#store = store;
    store.onChange((change) => {
      if (change.kind !== 'stack' && change.kind !== 'external') return;

      this.#generation++;
      this.#byInstance.clear();
      this.#byOrg.clear();
    });
  }

  async byInstance(instanceId: number): Promise<InstanceTarget | undefined> {
    const cached = this.#byInstance.get(instanceId);
    if (cached !== undefined) return cached ?? undefined;

    const generation = this.#generation;
    const found = (await this.#store.findStackByInstance(instanceId)) ?? null;
    // Misses are not cached: an attacker could otherwise fill memory with made-up ids.
    if (found && generation === this.#generation) this.#byInstance.set(instanceId, found);

    return found ?? undefined;
  }

  async inOrg(orgId: number): Promise<Stack[]> {
    const cached = this.#byOrg.get(orgId);
    if (cached) return cached;

    const generation = this.#generation;
    const stacks = await this.#store.listStacks(orgId);
    if (generation === this.#generation) this.#byOrg.set(orgId, stacks);

    return stacks;
  }
}
