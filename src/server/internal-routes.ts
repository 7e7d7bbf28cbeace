import type { Route } from '../http/route.js';
import type { MetricsRegistry } from '../telemetry/metrics-registry.js';

/** The internal listener: Gatehouse's own metrics and probes, never the data plane. */
export function internalRoutes(metrics: MetricsRegistry, isReady: () => boolean): Route[] {
  const text = (
    status: number,
    body: string,
    type = 'text/plain; charset=utf-8',
  ): Route['handler'] => {
    return async ({ res }) => {
      res.writeHead(status, { 'content-type': type });
      res.end(body);
    };
  };

  return [
    {
      name: 'internal.metrics',
      pattern: '/metrics',
      methods: ['GET'],
      errorFormat: 'text',
      handler: async (context) => text(200, metrics.render(), 'text/plain; version=0.0.4')(context),
    },
    {
      name: 'internal.healthz',
      pattern: '/healthz',
      methods: ['GET'],
      errorFormat: 'text',
      handler: text(200, 'ok\n'),
    },
    {
      name: 'internal.ready',
      pattern: '/ready',
      methods: ['GET'],
      errorFormat: 'text',
      handler: async (context) =>
        (isReady() ? text(200, 'ready\n') : text(503, 'not ready\n'))(context),
    },
  ];
}
