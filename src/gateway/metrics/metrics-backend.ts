import type { Config, MetricsBackendConfig } from '../../config/config.js';
import { GatehouseError } from '../../errors/gatehouse-error.js';
import type { Selector } from '../../model/label-matcher.js';
import type { Stack } from '../../model/stack.js';

/** Where a stack's metrics live and how that backend separates tenants. */
export interface MetricsBackend {
  config: MetricsBackendConfig;
  readBase: string;
  writeUrl: string;
  tenant: string;
}

const defaults = {
  prometheus: { readPrefix: '', writePath: '/api/v1/write' },
  mimir: { readPrefix: '/prometheus', writePath: '/api/v1/push' },
  victoriametrics: { readPrefix: '', writePath: '/api/v1/write' },
} as const;

export function metricsBackendFor(config: Config, stack: Stack): MetricsBackend {
  const region = config.regions.find((candidate) => candidate.slug === stack.region);
  const backend = region?.metrics;
  if (!backend)
    throw new GatehouseError('SERVICE_NOT_CONFIGURED', {
      region: stack.region,
      service: 'metrics',
    });

  const root = backend.url.replace(/\/+$/, '');
  const kind = defaults[backend.kind];

  return {
    config: backend,
    readBase: root + (backend.readPrefix ?? kind.readPrefix),
    writeUrl: root + (backend.writePath ?? kind.writePath),
    tenant: stack.tenants.metrics,
  };
}

/** Headers that carry tenancy and the backend's own credentials. */
export function backendHeaders(backend: MetricsBackend): Record<string, string> {
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
 * `header` mode the label policy travels in a header instead, so only tenancy is rewritten.
 */
export function rewriteScope(
  backend: MetricsBackend,
  labelScope: Selector[] | null,
): Selector[] | null {
  const policy = backend.config.lbac === 'rewrite' ? labelScope : null;
  if (backend.config.tenancy !== 'label') return policy;

  const tenantMatcher = {
    name: backend.config.tenantLabel,
    op: '=' as const,
    value: backend.tenant,
  };
  if (policy === null) return [[tenantMatcher]];

  return policy.map((selector) => [...selector, tenantMatcher]);
}
