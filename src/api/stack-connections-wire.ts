import type { Service } from '../model/service.js';
import type { Stack } from '../model/stack.js';

/** Grafana Cloud's tenant type names for each service (connections API, Terraform's flattenStack). */
const tenantTypes: Record<Service, string> = {
  metrics: 'prometheus',
  graphite: 'graphite',
  logs: 'logs',
  traces: 'traces',
  profiles: 'profiles',
  alerts: 'alerts',
};

/**
 * StackConnectionsV1 (`/v1/stacks/<id>/connections`): every service is served by Gatehouse at
 * its public URL, so each tenant's URL is that URL and its id is the basic-auth user.
 */
export function connectionsToV1Wire(stack: Stack, publicUrl: string): Record<string, unknown> {
  return {
    tenants: tenants(stack).map(([type, id]) => ({ type, id, url: publicUrl })),
    otlp: { url: `${publicUrl}/otlp`, multiAZ: false },
    services: { influxUrl: publicUrl },
  };
}

/** FormattedApiInstanceConnections (`/instances/<id>/connections`). */
export function connectionsToInstanceWire(
  stack: Stack,
  publicUrl: string,
): Record<string, unknown> {
  return {
    privateConnectivityInfo: {
      tenants: tenants(stack).map(([type, id]) => ({ type, id, ipAllowListCNAME: null })),
    },
    otlpHttpUrl: `${publicUrl}/otlp`,
    otlpMultiAZ: false,
    influxUrl: publicUrl,
  };
}

function tenants(stack: Stack): [string, number][] {
  return Object.entries(tenantTypes).map(([service, type]) => [
    type,
    stack.instanceIds[service as Service],
  ]);
}
