import type { AccessPolicy } from '../model/access-policy.js';
import type { Token } from '../model/token.js';
import type { PolicyFilter, TokenFilter } from './store.js';

/**
 * What a store does in code rather than in SQL: the list filters beyond org and region, and the
 * small conversions its queries and updates need.
 */

/** An id-or-slug argument as a numeric id, or null when it is a slug. */
export function numericOrNull(value: string | number): number | null {
  const text = String(value);
  return /^\d+$/.test(text) ? Number(text) : null;
}

/** The patch without its undefined fields; an explicit null is kept. */
export function definedOnly<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(patch).filter(([, value]) => value !== undefined),
  ) as Partial<T>;
}

export function policyMatches(policy: AccessPolicy, filter: PolicyFilter): boolean {
  if (filter.name !== undefined && policy.name !== filter.name) return false;
  if (filter.status !== undefined && policy.status !== filter.status) return false;
  if (filter.realmType === undefined && filter.realmIdentifier === undefined) return true;

  return policy.realms.some(
    (realm) =>
      (filter.realmType === undefined || realm.type === filter.realmType) &&
      (filter.realmIdentifier === undefined || realm.identifier === filter.realmIdentifier),
  );
}

export function tokenMatches(token: Token, filter: TokenFilter): boolean {
  if (filter.name !== undefined && token.name !== filter.name) return false;
  if (filter.accessPolicyIds && !filter.accessPolicyIds.includes(token.accessPolicyId))
    return false;
  if (filter.expiresBefore && !(token.expiresAt && token.expiresAt < filter.expiresBefore))
    return false;
  if (filter.expiresAfter && !(token.expiresAt === null || token.expiresAt > filter.expiresAfter))
    return false;
  if (filter.includeExpired || token.expiresAt === null) return true;

  return token.expiresAt > (filter.now ?? new Date());
}
