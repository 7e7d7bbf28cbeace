import type { AccessPolicy } from '../model/access-policy.js';
import type { TokenFilter } from '../store/store.js';
import { invalid, readTime } from './input-fields.js';

/** What a token's policy must look like for the token to be listed. */
export interface PolicyConditions {
  name?: string;
  realmType?: 'org' | 'stack';
  realmIdentifier?: string;
  status?: 'active' | 'inactive';
}

/**
 * The filters of `GET /v1/tokens` (OpenAPI getTokens): the token's own ones go to the store, the
 * `accessPolicy*` ones are checked against each token's policy.
 */
export function readTokenQuery(
  query: URLSearchParams,
  base: Pick<TokenFilter, 'orgId' | 'region' | 'now'>,
): { filter: TokenFilter; policy: PolicyConditions } {
  const policyIds = [
    ...query.getAll('accessPolicyId'),
    ...query.getAll('accessPolicyIds').flatMap((value) => value.split(',')),
  ].filter((id) => id !== '');

  const filter: TokenFilter = {
    ...base,
    name: optional(query, 'name'),
    accessPolicyIds: policyIds.length > 0 ? policyIds : undefined,
    includeExpired: readBoolean(query, 'includeExpired'),
    expiresBefore: optionalTime(query, 'expiresBefore'),
    expiresAfter: optionalTime(query, 'expiresAfter'),
  };

  return { filter, policy: readPolicyConditions(query) };
}

export function policyMatches(policy: AccessPolicy, wanted: PolicyConditions): boolean {
  if (wanted.name !== undefined && policy.name !== wanted.name) return false;
  if (wanted.status !== undefined && policy.status !== wanted.status) return false;
  if (wanted.realmType === undefined && wanted.realmIdentifier === undefined) return true;

  return policy.realms.some(
    (realm) =>
      (wanted.realmType === undefined || realm.type === wanted.realmType) &&
      (wanted.realmIdentifier === undefined || realm.identifier === wanted.realmIdentifier),
  );
}

function readPolicyConditions(query: URLSearchParams): PolicyConditions {
  const realmType = optional(query, 'accessPolicyRealmType');
  if (realmType !== undefined && realmType !== 'org' && realmType !== 'stack') {
    throw invalid('accessPolicyRealmType', `expected org or stack, received "${realmType}"`);
  }

  const status = optional(query, 'accessPolicyStatus');
  if (status !== undefined && status !== 'active' && status !== 'inactive') {
    throw invalid('accessPolicyStatus', `expected active or inactive, received "${status}"`);
  }

  return {
    name: optional(query, 'accessPolicyName'),
    realmType,
    realmIdentifier: optional(query, 'accessPolicyRealmIdentifier'),
    status,
  };
}

function optional(query: URLSearchParams, name: string): string | undefined {
  const value = query.get(name);
  return value === null || value === '' ? undefined : value;
}

function optionalTime(query: URLSearchParams, name: string): Date | undefined {
  const value = optional(query, name);
  return value === undefined ? undefined : (readTime(value, name) ?? undefined);
}

export function readBoolean(query: URLSearchParams, name: string): boolean {
  const value = optional(query, name);
  if (value === undefined || value === 'false') return false;
  if (value === 'true') return true;

  throw invalid(name, `expected true or false, received "${value}"`);
}
