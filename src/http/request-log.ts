import type { Logger } from 'pino';
import { GatehouseError } from '../errors/gatehouse-error.js';
import type { MetricsRegistry } from '../telemetry/metrics-registry.js';

export interface RequestLogDeps {
  log: Logger;
  metrics: MetricsRegistry;
}

/** What one finished request (or WebSocket handshake) leaves in the log and the metrics. */
export interface RequestOutcome {
  requestId: string;
  method: string | undefined;
  path: string;
  route: string;
  status: number;
  seconds: number;
  client: string;
  /** Ids only (docs/configuration.md): never a token, secret or Authorization value. */
  facts: Record<string, string | number>;
  error: unknown;
}

/** The one request log line (docs/configuration.md) and the request metrics, for every listener. */
export function logRequest(deps: RequestLogDeps, outcome: RequestOutcome): void {
  const { error, route, status, seconds } = outcome;
  const code = error instanceof GatehouseError ? error.code : error ? 'INTERNAL' : undefined;

  deps.metrics.requests.inc({ route, code: String(status) });
  deps.metrics.duration.observe({ route }, seconds);
  if (code?.startsWith('UPSTREAM_')) deps.metrics.upstreamErrors.inc({ code, route });
  else if (code && status >= 400 && status < 500) deps.metrics.denials.inc({ code });

  const line = {
    requestId: outcome.requestId,
    method: outcome.method,
    path: outcome.path,
    route,
    status,
    durationMs: Math.round(seconds * 1e6) / 1e3,
    client: outcome.client,
    ...outcome.facts,
    ...(code ? { error: code } : {}),
  };

  if (code === 'INTERNAL') deps.log.error({ ...line, err: error }, 'request failed');
  else deps.log.info(line, 'request');
}
