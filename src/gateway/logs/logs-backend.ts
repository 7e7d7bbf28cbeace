import type { Config, LogsBackendConfig } from '../../config/config.js';
import { GatehouseError } from '../../errors/gatehouse-error.js';
import type { Stack } from '../../model/stack.js';

/** Where a stack's logs live (a Loki-API backend) and its tenant there. */
export interface LogsBackend {
  config: LogsBackendConfig;
  /** Backend root without a trailing slash; Loki's paths are appended as they are. */
  base: string;
  tenant: string;
}

export function logsBackendFor(config: Config, stack: Stack): LogsBackend {
  const backend = config.regions.find((region) => region.slug === stack.region)?.logs;
  if (!backend)
    throw new GatehouseError('SERVICE_NOT_CONFIGURED', { region: stack.region, service: 'logs' });

  return { config: backend, base: backend.url.replace(/\/+$/, ''), tenant: stack.tenants.logs };
}
