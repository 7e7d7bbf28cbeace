import type { AccessPolicy, Realm } from '../model/access-policy.js';
import type { Selector } from '../model/label-matcher.js';
import type { Stack } from '../model/stack.js';
import { parseSelector } from '../query/promql/parse-selector.js';
import { expandScopes } from './scope-catalogue.js';
import { SubnetList } from './subnet-list.js';

interface CompiledRealm {
  realm: Realm;
  selectors: Selector[];
}

/**
 * A policy prepared for the hot path: scopes expanded, subnets and label selectors parsed once
 * when the policy enters the cache, not on every request.
 */
export class CompiledPolicy {
  readonly policy: AccessPolicy;
  readonly scopes: Set<string>;
  readonly subnets: SubnetList | null;
  readonly #realms: CompiledRealm[];
  /** Label scopes per stack id, kept so caches downstream can key on their identity. */
  readonly #scopes = new Map<number, Selector[] | null>();

  constructor(policy: AccessPolicy) {
    this.policy = policy;
    this.scopes = expandScopes(policy.scopes);
    const cidrs = policy.conditions?.allowedSubnets ?? [];
    this.subnets = cidrs.length > 0 ? new SubnetList(cidrs) : null;
    this.#realms = policy.realms.map((realm) => ({
      realm,
      selectors: realm.labelPolicies.map((labelPolicy) => parseSelector(labelPolicy.selector)),
    }));
  }

  /** Realms whose identifier names the stack itself or the stack's org (docs/enforcement.md, step 5). */
  coversStack(stack: Stack): boolean {
    return this.#realmsFor(stack).length > 0;
  }

  coversOrg(orgId: number): boolean {
    return this.policy.realms.some(
      (realm) => realm.type === 'org' && realm.identifier === String(orgId),
    );
  }

  /** Stack ids named by stack realms (for bearer tokens, which carry no instance id). */
  stackIds(): number[] {
    return this.policy.realms
      .filter((realm) => realm.type === 'stack')
      .map((realm) => Number(realm.identifier));
  }

  /**
   * The union of the label selectors of every realm that covers the stack; null (unrestricted)
   * as soon as one covering realm has no label policy (docs/enforcement.md).
   */
  labelScope(stack: Stack): Selector[] | null {
    const known = this.#scopes.get(stack.id);
    if (known !== undefined) return known;

    const covering = this.#realmsFor(stack);
    const scope = covering.some((entry) => entry.selectors.length === 0)
      ? null
      : covering.flatMap((entry) => entry.selectors);
    this.#scopes.set(stack.id, scope);
    return scope;
  }

  #realmsFor(stack: Stack): CompiledRealm[] {
    return this.#realms.filter(({ realm }) =>
      realm.type === 'stack'
        ? realm.identifier === String(stack.id)
        : realm.identifier === String(stack.orgId),
    );
  }
}
