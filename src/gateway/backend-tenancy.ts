import type { Selector } from '../model/label-matcher.js';

/** What tenancy and label-policy handling needs to know of any backend (metrics or logs). */
export interface TenantBackend {
  config: {
    tenancy: 'header' | 'none' | 'label';
    tenantLabel: string;
    lbac: 'rewrite' | 'header' | 'vm';
    basicAuth?: { username: string; password: string };
  };
  tenant: string;
}

/** Headers that carry tenancy and the backend's own credentials. */
export function backendHeaders(backend: TenantBackend): Record<string, string> {
  const headers: Record<string, string> = {};
  if (backend.config.tenancy === 'header') headers['x-scope-orgid'] = backend.tenant;

  const auth = backend.config.basicAuth;
  if (auth)
    headers.authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;

  return headers;
}

/**
 * The selectors a read is confined to once tenancy is added. Tenancy `label` ANDs the tenant
 * label into every selector (or is the only selector when the policy has none). In lbac
 * `header` mode the label policy travels in a header instead, so only tenancy is confined here;
 * in `vm` mode the whole scope travels as `extra_filters[]`.
 */
export function rewriteScope(
  backend: TenantBackend,
  labelScope: Selector[] | null,
): Selector[] | null {
  const policy = backend.config.lbac === 'header' ? null : labelScope;
  if (backend.config.tenancy !== 'label') return policy;

  // The same inputs give the same array, so the enforcement cache can key on its identity.
  const key = `${backend.config.tenantLabel}\u0000${backend.tenant}`;
  const memo = memoFor(policy);
  const known = memo.get(key);
  if (known) return known;

  const tenantMatcher = {
    name: backend.config.tenantLabel,
    op: '=' as const,
    value: backend.tenant,
  };
  const scope =
    policy === null ? [[tenantMatcher]] : policy.map((selector) => [...selector, tenantMatcher]);
  memo.set(key, scope);
  return scope;
}

/** Per policy scope (collected with it); tenant-only scopes live as long as the process. */
const unrestricted = new Map<string, Selector[]>();
const byPolicy = new WeakMap<Selector[], Map<string, Selector[]>>();

function memoFor(policy: Selector[] | null): Map<string, Selector[]> {
  if (policy === null) return unrestricted;

  let memo = byPolicy.get(policy);
  if (!memo) {
    memo = new Map();
    byPolicy.set(policy, memo);
  }

  return memo;
}
