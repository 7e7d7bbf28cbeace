import type { AccessPolicy } from '../model/access-policy.js';
import type { Token } from '../model/token.js';
import { optionalWireTime, wireTime } from './wire-time.js';

/**
 * AuthAccessPolicy of the OpenAPI document. Scopes, identifiers and selectors are echoed as
 * stored (Terraform diffs them verbatim); `conditions` is left out when there are none.
 */
export function policyToWire(policy: AccessPolicy): Record<string, unknown> {
  return {
    id: policy.id,
    orgId: String(policy.orgId),
    name: policy.name,
    displayName: policy.displayName,
    scopes: policy.scopes,
    realms: policy.realms.map((realm) => ({
      type: realm.type,
      identifier: realm.identifier,
      labelPolicies: realm.labelPolicies.map((labelPolicy) => ({ selector: labelPolicy.selector })),
    })),
    ...(policy.conditions
      ? { conditions: { allowedSubnets: policy.conditions.allowedSubnets } }
      : {}),
    status: policy.status,
    createdAt: wireTime(policy.createdAt),
    updatedAt: wireTime(policy.updatedAt ?? policy.createdAt),
  };
}

/** AuthToken of the OpenAPI document: never the secret, never its hash. */
export function tokenToWire(token: Token): Record<string, unknown> {
  return withoutUndefined({
    id: token.id,
    orgId: String(token.orgId),
    accessPolicyId: token.accessPolicyId,
    name: token.name,
    displayName: token.displayName,
    expiresAt: optionalWireTime(token.expiresAt),
    firstUsedAt: optionalWireTime(token.firstUsedAt),
    lastUsedAt: optionalWireTime(token.lastUsedAt),
    createdAt: wireTime(token.createdAt),
    updatedAt: wireTime(token.updatedAt ?? token.createdAt),
  });
}

function withoutUndefined(object: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(object).filter(([, value]) => value !== undefined));
}
