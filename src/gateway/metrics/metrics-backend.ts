import type { Config, MetricsBackendConfig } from '../../config/config.js';
import { GatehouseError } from '../../errors/gatehouse-error.js';
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
